package io.heartgate.console;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.heartgate.testsupport.Credentials;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.logging.Level;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * One headless Debian Chromium, driven through Debian's chromedriver (never a downloaded one: Selenium Manager is
 * not asked), for one test class; with explicit waits, screenshots under target/, and the browser's console log.
 */
final class ConsoleBrowser implements AutoCloseable {
  static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path SCREENSHOTS = Path.of("target", "console-screenshots");
  static final Dimension DESKTOP = new Dimension(1280, 800);
  static final Dimension PHONE = new Dimension(390, 844);
  private static final Duration WAIT = Duration.ofSeconds(15);

  private final ChromeDriver driver;
  private final WebDriverWait wait;
  private final String origin;
  /** Console errors read so far and not yet judged. */
  private final List<LogEntry> unjudged = new ArrayList<>();

  private ConsoleBrowser(ChromeDriver driver, String origin) {
    this.driver = driver;
    this.origin = origin;
    // A page re-renders what it shows: an element read while it was replaced is read again, not a failure.
    this.wait = newWait();
  }

  private WebDriverWait newWait() {
    return (WebDriverWait) new WebDriverWait(driver, WAIT).ignoring(StaleElementReferenceException.class);
  }

  /**
   * Starts the browser, or skips the test class when Chromium or chromedriver is missing; under CI=true a missing
   * browser fails instead, so CI never passes by skipping.
   */
  static ConsoleBrowser start(String origin) {
    boolean installed = Files.isExecutable(CHROMEDRIVER) && Files.isExecutable(CHROMIUM);
    String why = "the console tests need " + CHROMIUM + " and " + CHROMEDRIVER
        + " (apt-get install chromium chromium-driver)";
    if ("true".equals(System.getenv("CI"))) {
      assertTrue(installed, why);
    } else {
      assumeTrue(installed, why);
    }
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(CHROMEDRIVER.toFile())
        .usingAnyFreePort()
        .build();
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
        "--window-size=" + DESKTOP.width + "," + DESKTOP.height, "--no-first-run", "--disable-extensions",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--lang=en-US");
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    ChromeDriver driver = new ChromeDriver(service, options);
    driver.manage().window().setSize(DESKTOP);
    return new ConsoleBrowser(driver, origin);
  }

  ChromeDriver driver() {
    return driver;
  }

  /** Loads a console page afresh: route is what follows {@code #/}, e.g. "agents". */
  void open(String route) {
    driver.get(origin + "/console/#/" + route);
  }

  void openRoot() {
    driver.get(origin + "/");
  }

  WebElement find(By by) {
    return wait.until(ExpectedConditions.visibilityOfElementLocated(by));
  }

  void click(By by) {
    wait.until(ExpectedConditions.elementToBeClickable(by)).click();
  }

  void type(By by, String text) {
    WebElement field = find(by);
    field.clear();
    field.sendKeys(text);
  }

  void choose(By by, String visibleText) {
    new Select(find(by)).selectByVisibleText(visibleText);
  }

  void chooseValue(By by, String value) {
    new Select(find(by)).selectByValue(value);
  }

  /** Waits until the element's text contains the fragment; returns the whole text. */
  String textContaining(By by, String fragment) {
    wait.until(ExpectedConditions.textToBePresentInElementLocated(by, fragment));
    return driver.findElement(by).getText();
  }

  void until(String what, Predicate<ChromeDriver> condition) {
    // A wait of its own: a message set on the shared one stayed, and named this wait in every later timeout.
    newWait().withMessage(what).until(d -> condition.test(driver));
  }

  /** The element that a nav link with this text points at, if the nav shows it. */
  List<WebElement> navLinks(String text) {
    return driver.findElements(By.xpath("//ul[@id='nav']//a[normalize-space()='" + text + "']"));
  }

  /** Signs out if someone is signed in, then signs in through the form and waits for the nav. */
  void signIn(String username, String password) {
    if (!driver.findElements(By.id("sign-out")).isEmpty()) {
      click(By.id("sign-out"));
    }
    find(By.id("signin-form"));
    type(By.id("username"), username);
    type(By.id("password"), password);
    click(By.id("signin-submit"));
    textContaining(By.cssSelector("[data-signed-in]"), username + " (");
  }

  /** The signed-in session, for calls the test makes beside the browser (the cookie is HttpOnly to pages only). */
  Credentials session() {
    Cookie cookie = driver.manage().getCookieNamed("heartgate_session");
    return cookie == null ? Credentials.NONE : Credentials.session(cookie.getName() + "=" + cookie.getValue());
  }

  void resize(Dimension size) {
    driver.manage().window().setSize(size);
  }

  /** Saves what the browser shows as target/console-screenshots/name.png. */
  void screenshot(String name) {
    try {
      Files.createDirectories(SCREENSHOTS);
      Path shot = driver.getScreenshotAs(OutputType.FILE).toPath();
      Files.copy(shot, SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The browser's SEVERE console entries since the last call, less those the test expected: an API refusal the
   * page shows to the user (Chromium logs every 4xx answer of a fetch as a failed resource). Script errors,
   * Content-Security-Policy violations and resources that fail to load are never expected.
   */
  List<String> consoleErrors(String... expectedApiRefusals) {
    unjudged.addAll(driver.manage().logs().get(LogType.BROWSER).getAll());
    List<String> errors = new ArrayList<>();
    for (LogEntry entry : unjudged) {
      if (entry.getLevel().intValue() < Level.SEVERE.intValue()) {
        continue;
      }
      String message = entry.getMessage();
      boolean expected = false;
      for (String refusal : expectedApiRefusals) {
        expected |= message.contains(refusal) && message.contains("the server responded with a status of 4");
      }
      if (!expected) {
        errors.add(message);
      }
    }
    unjudged.clear();
    return errors;
  }

  /** Fails naming the page when the browser logged an error other than the API refusals the test expects. */
  void assertNoConsoleErrors(String page, String... expectedApiRefusals) {
    List<String> errors = consoleErrors(expectedApiRefusals);
    assertTrue(errors.isEmpty(), "console errors on " + page + ": " + errors);
  }

  /** Hostile text was shown as text: no element was made of it, and no script of it ran. */
  void assertNoInjectedElement() {
    assertTrue(driver.findElements(By.cssSelector("main img, dialog img")).isEmpty(), "no img element was made");
    assertThrows(NoAlertPresentException.class, () -> driver.switchTo().alert());
  }

  /** Loads the page afresh, also when the browser shows it already (a same-hash navigation renders nothing). */
  void reload(String route) {
    open(route);
    driver.navigate().refresh();
  }

  @Override
  public void close() {
    driver.quit();
  }
}
