package io.heartgate.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.heartgate.settings.DatabaseUrl;
import io.heartgate.testsupport.Reply;
import io.heartgate.testsupport.Team;
import io.heartgate.testsupport.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.WebElement;

/**
 * A config's versions in the console, in a real headless Chromium against a real gateway: a save with a note makes
 * a version, the diff shows the changed line, a rollback makes a new version with the old TOML, pruning keeps the
 * newest, and a viewer reads the history without any button that changes it. Each action is checked against the
 * API too. The tests build on each other in order.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConfigVersionsConsoleTest {
  private static final String FIRST = "[[inputs.cpu]]\n  percpu = true\n";
  private static final String SECOND = "[[inputs.cpu]]\n  percpu = false\n";
  private static final String NOTE = "totals only <img src=x onerror=alert(1)>";

  @TempDir
  static Path tempDir;
  private TestGateway gateway;
  private Team team;
  private ConsoleBrowser browser;
  private String configId;

  @BeforeAll
  void start() throws Exception {
    gateway = TestGateway.start(new DatabaseUrl.Sqlite(tempDir.resolve("heartgate.db")));
    team = Team.create(gateway);
    Reply config = gateway.post("/api/configs", team.session("manager"),
        new JsonObject().put("name", "cpu").put("toml", FIRST));
    assertEquals(201, config.status(), config.toString());
    configId = config.json().getString("id");
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

  private JsonObject config() {
    Reply reply = gateway.get("/api/configs/" + configId, team.session("manager"));
    assertEquals(200, reply.status(), reply.toString());
    return reply.json();
  }

  private JsonArray versions() {
    Reply reply = gateway.get("/api/configs/" + configId + "/versions", team.session("manager"));
    assertEquals(200, reply.status(), reply.toString());
    return reply.json().getJsonArray("versions");
  }

  private By versionRow(int n) {
    return By.cssSelector("#versions-table tr[data-version='" + n + "']");
  }

  private int shownVersions() {
    return browser.driver().findElements(By.cssSelector("#versions-table tbody tr")).size();
  }

  @Test
  @Order(1)
  void aSaveWithANoteMakesVersionTwoAndTheDiffShowsTheChange() {
    browser.open("configs/" + configId);
    browser.find(versionRow(1));
    assertEquals(1, shownVersions());
    browser.type(By.id("config-toml"), SECOND);
    browser.type(By.id("config-note"), NOTE);
    browser.click(By.id("config-save"));
    browser.textContaining(By.id("config-message"), "Saved as version 2");
    browser.textContaining(By.id("config-changed"), "Version 2");
    browser.until("the history shows two versions", d -> shownVersions() == 2);
    WebElement newest = browser.find(By.cssSelector("#versions-table tbody tr:first-child"));
    assertEquals("2", newest.getDomAttribute("data-version"), "newest first");
    assertEquals(NOTE, newest.findElement(By.cssSelector("td.version-note")).getText());
    assertTrue(newest.getText().contains("manager"), newest.getText());
    assertTrue(browser.driver().findElements(By.cssSelector("main img")).isEmpty(), "no img element was made");
    assertThrows(NoAlertPresentException.class, () -> browser.driver().switchTo().alert());
    JsonArray versions = versions();
    assertEquals(2, versions.size());
    assertEquals(NOTE, versions.getJsonObject(0).getString("note"));
    assertEquals(SECOND, config().getString("toml"));
    browser.screenshot("versions-01-history");

    browser.type(By.id("diff-from"), "1");
    browser.type(By.id("diff-to"), "2");
    browser.click(By.id("diff-show"));
    WebElement removed = browser.find(By.cssSelector("#version-diff .diff-del"));
    assertEquals("-  percpu = true", removed.getText());
    assertEquals("+  percpu = false", browser.find(By.cssSelector("#version-diff .diff-add")).getText());
    browser.screenshot("versions-02-diff");

    browser.find(versionRow(1)).findElement(By.cssSelector("button[data-action='view']")).click();
    assertEquals(FIRST.strip(), browser.find(By.id("version-toml")).getText().strip());
    browser.click(By.id("version-close"));
    browser.until("the viewer closes", d -> d.findElements(By.id("version-toml")).isEmpty());
    browser.assertNoConsoleErrors("versions");
  }

  @Test
  @Order(2)
  void aRollbackMakesVersionThreeWithTheOldToml() {
    browser.find(versionRow(1)).findElement(By.cssSelector("button[data-action='rollback']")).click();
    browser.find(By.id("rollback-note"));
    browser.click(By.xpath("//dialog[@open]//button[normalize-space()='Cancel']"));
    browser.until("the dialog closes", d -> d.findElements(By.cssSelector("dialog[open]")).isEmpty());
    assertEquals(2, config().getInteger("version"), "a cancelled rollback changes nothing");
    assertEquals(2, versions().size());

    browser.find(versionRow(1)).findElement(By.cssSelector("button[data-action='rollback']")).click();
    browser.type(By.id("rollback-note"), "per-CPU again");
    browser.screenshot("versions-03-rollback");
    browser.click(By.cssSelector("dialog[open] button[data-confirm]"));
    browser.textContaining(By.id("config-message"), "the TOML is now version 3");
    browser.textContaining(By.id("config-changed"), "Version 3");
    browser.until("the editor shows the restored TOML",
        d -> FIRST.equals(d.findElement(By.id("config-toml")).getDomProperty("value")));
    browser.until("the history shows three versions", d -> shownVersions() == 3);
    assertEquals("per-CPU again", browser.find(versionRow(3)).findElement(By.cssSelector("td.version-note")).getText());
    JsonObject config = config();
    assertEquals(3, config.getInteger("version"));
    assertEquals(FIRST, config.getString("toml"));
    assertEquals("per-CPU again", versions().getJsonObject(0).getString("note"));
    assertTrue(browser.driver().findElements(By.cssSelector(
        "#versions-table tr[data-version='3'] button[data-action='rollback']")).isEmpty(), "no rollback to the current");
    browser.assertNoConsoleErrors("rollback");
  }

  @Test
  @Order(3)
  void pruningKeepsTheNewest() {
    browser.type(By.id("prune-keep"), "2");
    browser.click(By.id("prune"));
    browser.textContaining(By.cssSelector("dialog[open]"), "newest 2");
    browser.click(By.cssSelector("dialog[open] button[data-confirm]"));
    browser.textContaining(By.id("config-message"), "Deleted 1 old version(s).");
    browser.until("the history shows two versions", d -> shownVersions() == 2);
    JsonArray versions = versions();
    assertEquals(List.of(3, 2), versions.stream().map(JsonObject.class::cast).map(v -> v.getInteger("version"))
        .toList());
    browser.screenshot("versions-04-pruned");
    browser.assertNoConsoleErrors("prune");
  }

  /** A long history is read 50 versions a page, and any two versions compare, on a page or not. */
  @Test
  @Order(4)
  void aLongHistoryIsReadAPageAtATime() {
    for (int n = 4; n <= 60; n++) {
      Reply saved = gateway.call("PATCH", "/api/configs/" + configId, team.session("manager"),
          new JsonObject().put("toml", "[[inputs.cpu]]\n  percpu = " + (n % 2 == 0) + "\n# edit " + n + "\n"));
      assertEquals(200, saved.status(), saved.toString());
    }
    browser.driver().navigate().refresh();
    browser.find(versionRow(60));
    assertEquals(50, shownVersions());
    assertTrue(browser.driver().findElements(versionRow(2)).isEmpty(), "the oldest are on the next page");
    browser.click(By.id("versions-next"));
    browser.find(versionRow(2));
    assertEquals(9, shownVersions(), "versions 10 to 2 (1 was pruned)");
    browser.type(By.id("diff-from"), "2");
    browser.type(By.id("diff-to"), "60");
    browser.click(By.id("diff-show"));
    browser.textContaining(By.id("version-diff"), "# edit 60");
    browser.click(By.id("versions-previous"));
    browser.find(versionRow(60));
    browser.assertNoConsoleErrors("a long history");
  }

  /** A viewer reads the history, a version and a diff, and has no button that changes the config. */
  @Test
  @Order(5)
  void aViewerSeesNoWriteButtons() {
    JsonObject before = config();
    JsonArray versionsBefore = versions();
    browser.signIn("viewer", Team.PASSWORD);
    browser.open("configs/" + configId);
    browser.driver().navigate().refresh();
    browser.find(versionRow(60));
    assertEquals("true", browser.find(By.id("config-toml")).getDomProperty("readOnly"));
    for (String absent : new String[] {"#config-save", "#config-note", "#config-delete", "#prune",
        "button[data-action='rollback']", "#config-labels-add"}) {
      assertTrue(browser.driver().findElements(By.cssSelector(absent)).isEmpty(), absent + " is not shown");
    }
    browser.click(By.id("diff-show"));
    browser.find(By.cssSelector("#version-diff .diff-add"));
    browser.find(versionRow(59)).findElement(By.cssSelector("button[data-action='view']")).click();
    browser.textContaining(By.id("version-toml"), "percpu = false");
    browser.click(By.id("version-close"));
    browser.screenshot("versions-05-viewer");
    assertEquals(before, config(), "nothing changed");
    assertEquals(versionsBefore, versions());
    browser.assertNoConsoleErrors("viewer");
  }
}
