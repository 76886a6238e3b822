package io.heartgate.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.heartgate.settings.DatabaseUrl;
import io.heartgate.testsupport.Credentials;
import io.heartgate.testsupport.Reply;
import io.heartgate.testsupport.Team;
import io.heartgate.testsupport.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * Constants in the console, in a real headless Chromium against a real gateway: create one (and be refused a taken
 * name), use it in a config made in the console, be refused its deletion and a value that would break the config
 * (the refusals name the config, with a link), hostile values shown as text, and a viewer without write buttons.
 * Each action is checked against the API too. The tests build on each other in order.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConstantsConsoleTest {
  private static final String URL_VALUE = "http://influx:8086";
  private static final String XSS = "<img src=x onerror=alert(1)>";

  @TempDir
  static Path tempDir;
  private TestGateway gateway;
  private Team team;
  private ConsoleBrowser browser;

  @BeforeAll
  void start() throws Exception {
    gateway = TestGateway.start(new DatabaseUrl.Sqlite(tempDir.resolve("heartgate.db")));
    team = Team.create(gateway);
    browser = ConsoleBrowser.start("http://127.0.0.1:" + gateway.apiPort());
    browser.openRoot();
    browser.signIn("manager", Team.PASSWORD);
    // /api/auth/me answers 401 before anyone signed in: that is how the page learns it must ask.
    browser.assertNoConsoleErrors("sign-in", "/api/auth/me");
  }

  @AfterAll
  void stop() {
    if (browser != null) {
      browser.close();
    }
    if (gateway != null) {
      gateway.close();
    }
  }

  private Credentials manager() {
    return team.session("manager");
  }

  private JsonArray constants() {
    Reply reply = gateway.get("/api/constants", manager());
    assertEquals(200, reply.status(), reply.toString());
    return reply.json().getJsonArray("constants");
  }

  private JsonObject constant(String name) {
    return constants().stream().map(JsonObject.class::cast).filter(c -> name.equals(c.getString("name")))
        .findFirst().orElseThrow(() -> new AssertionError("no constant " + name + " in " + constants()));
  }

  private JsonObject config(String name) {
    Reply reply = gateway.get("/api/configs", manager());
    assertEquals(200, reply.status(), reply.toString());
    return reply.json().getJsonArray("configs").stream().map(JsonObject.class::cast)
        .filter(c -> name.equals(c.getString("name"))).findFirst()
        .orElseThrow(() -> new AssertionError("no config " + name));
  }

  private By row(String constantId) {
    return By.cssSelector("#constants-table tr[data-constant-id='" + constantId + "']");
  }

  @Test
  @Order(1)
  void createAConstantAndRefuseATakenName() {
    browser.click(By.linkText("Constants"));
    browser.find(By.id("constants-empty"));
    browser.click(By.cssSelector("#new-constant summary"));
    browser.type(By.id("constant-name"), "INFLUX_URL");
    browser.type(By.id("constant-value"), URL_VALUE);
    browser.type(By.id("constant-description"), "where metrics go");
    browser.click(By.id("constant-create"));
    browser.textContaining(By.id("constants-message"), "Created constant INFLUX_URL.");
    JsonObject created = constant("INFLUX_URL");
    assertEquals(URL_VALUE, created.getString("value"));
    assertEquals("where metrics go", created.getString("description"));
    WebElement shown = browser.find(row(created.getString("id")));
    assertEquals(URL_VALUE, shown.findElement(By.cssSelector("td.constant-value")).getText());
    assertEquals("where metrics go", shown.findElement(By.cssSelector("td.constant-description")).getText());

    browser.type(By.id("constant-name"), "INFLUX_URL");
    browser.type(By.id("constant-value"), "elsewhere");
    browser.click(By.id("constant-create"));
    browser.textContaining(By.id("constant-create-message"), "A constant with this name already exists");
    assertEquals(1, constants().size(), "the refused constant was not created");
    assertEquals(URL_VALUE, constant("INFLUX_URL").getString("value"));
    browser.screenshot("constants-01-created");
    browser.assertNoConsoleErrors("constants create", "/api/constants");
  }

  /** A config made in the console uses the constant; deleting it is refused, naming the config as a link. */
  @Test
  @Order(2)
  void aConstantInUseIsNotDeletedAndTheRefusalLinksTheConfig() {
    browser.click(By.linkText("Configs"));
    browser.click(By.cssSelector("#new-config summary"));
    browser.type(By.id("config-name"), "influx-out");
    browser.click(By.id("config-template"));
    browser.type(By.id("config-toml"), "[[outputs.influxdb_v2]]\n  urls = [\"::{INFLUX_URL}\"]\n");
    browser.click(By.id("config-create"));
    browser.find(By.id("config-title"));
    String configId = config("influx-out").getString("id");
    Reply served = gateway.get("/api/configs/" + configId + "/toml", manager());
    assertEquals(200, served.status(), served.toString());
    assertTrue(served.body().contains("urls = [\"" + URL_VALUE + "\"]"), served.body());

    JsonObject before = constant("INFLUX_URL");
    browser.click(By.linkText("Constants"));
    browser.find(row(before.getString("id"))).findElement(By.cssSelector("button[data-action='delete']")).click();
    browser.textContaining(By.cssSelector("dialog[open]"), "Delete INFLUX_URL?");
    browser.click(By.cssSelector("dialog[open] button[data-confirm]"));
    String refusal = browser.textContaining(By.id("constants-message"), "Not deleted: Constant INFLUX_URL is used by "
        + "1 config");
    assertTrue(refusal.contains("Config: influx-out"), refusal);
    assertEquals(before, constant("INFLUX_URL"), "the refusal changed nothing");
    browser.screenshot("constants-02-in-use");
    browser.assertNoConsoleErrors("constant in use", "/api/constants/");

    browser.click(By.cssSelector("#constants-message a[href='#/configs/" + configId + "']"));
    browser.textContaining(By.id("config-title"), "influx-out");
  }

  @Test
  @Order(3)
  void aValueThatWouldBreakAConfigIsRefusedNamingIt() {
    JsonObject before = constant("INFLUX_URL");
    String configId = config("influx-out").getString("id");
    browser.click(By.linkText("Constants"));
    browser.find(row(before.getString("id"))).findElement(By.cssSelector("button[data-action='edit']")).click();
    browser.type(By.id("edit-constant-value"), "http://influx\\q:8086");
    browser.click(By.id("edit-constant-submit"));
    String refusal = browser.textContaining(By.id("edit-constant-message"),
        "With this value config influx-out would be refused");
    assertTrue(refusal.contains("Config: influx-out"), refusal);
    browser.find(By.cssSelector("#edit-constant-message a[href='#/configs/" + configId + "']"));
    assertEquals(before, constant("INFLUX_URL"), "the refused value was not saved");
    browser.screenshot("constants-03-value-refused");

    browser.type(By.id("edit-constant-value"), "http://influx-2:8086");
    browser.click(By.id("edit-constant-submit"));
    browser.textContaining(By.id("constants-message"), "Saved constant INFLUX_URL.");
    browser.textContaining(row(before.getString("id")), "influx-2");
    assertEquals("http://influx-2:8086", constant("INFLUX_URL").getString("value"));
    browser.assertNoConsoleErrors("constant value", "/api/constants/");
  }

  @Test
  @Order(4)
  void hostileValuesAndDescriptionsAreShownAsText() {
    browser.click(By.cssSelector("#new-constant summary"));
    browser.type(By.id("constant-name"), "HOSTILE");
    browser.type(By.id("constant-value"), XSS);
    browser.type(By.id("constant-description"), "<script>alert(2)</script>" + XSS);
    browser.click(By.id("constant-create"));
    browser.textContaining(By.id("constants-message"), "Created constant HOSTILE.");
    JsonObject hostile = constant("HOSTILE");
    assertEquals(XSS, hostile.getString("value"));
    browser.reload("constants");
    WebElement shown = browser.find(row(hostile.getString("id")));
    assertEquals(XSS, shown.findElement(By.cssSelector("td.constant-value")).getText());
    assertEquals("<script>alert(2)</script>" + XSS,
        shown.findElement(By.cssSelector("td.constant-description")).getText());
    browser.assertNoInjectedElement();
    shown.findElement(By.cssSelector("button[data-action='edit']")).click();
    assertEquals(XSS, browser.find(By.id("edit-constant-value")).getDomProperty("value"));
    browser.assertNoInjectedElement();
    browser.click(By.xpath("//dialog[@open]//button[normalize-space()='Cancel']"));
    browser.until("the dialog closes", d -> d.findElements(By.cssSelector("dialog[open]")).isEmpty());

    shown.findElement(By.cssSelector("button[data-action='delete']")).click();
    browser.click(By.cssSelector("dialog[open] button[data-confirm]"));
    browser.textContaining(By.id("constants-message"), "Deleted constant HOSTILE.");
    assertEquals(1, constants().size(), "an unused constant is deleted");
    browser.screenshot("constants-04-hostile");
    browser.assertNoConsoleErrors("hostile constant");
  }

  @Test
  @Order(5)
  void aViewerSeesNoWriteControls() {
    JsonArray before = constants();
    browser.signIn("viewer", Team.PASSWORD);
    browser.click(By.linkText("Constants"));
    browser.find(row(constant("INFLUX_URL").getString("id")));
    for (String absent : new String[] {"#new-constant", "#constant-create", "button[data-action='edit']",
        "button[data-action='delete']"}) {
      assertTrue(browser.driver().findElements(By.cssSelector(absent)).isEmpty(), absent + " is not shown");
    }
    browser.screenshot("constants-05-viewer");
    assertEquals(before, constants(), "nothing changed");
    browser.assertNoConsoleErrors("viewer");
  }
}
