package io.heartgate.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.heartgate.settings.DatabaseUrl;
import io.heartgate.testsupport.Credentials;
import io.heartgate.testsupport.Reply;
import io.heartgate.testsupport.Team;
import io.heartgate.testsupport.TelegrafAgent;
import io.heartgate.testsupport.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;
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
 * Labels in the console, in a real headless Chromium against a real gateway: the Labels page, chips and the label
 * filter on the lists, assigning on the agent and config pages and in bulk from the agents list, hostile names
 * shown as text, and a viewer without write buttons. Each action is checked against the API too. The tests build
 * on each other in order.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LabelsConsoleTest {
  private static final String XSS_NAME = "<img src=x onerror=alert(1)>";

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
    URI heartbeats = gateway.heartbeatListener("/agents/heartbeat");
    String token = team.token(team.session("owner"), "agents", "telegraf-agent").getString("token");
    for (String agent : new String[] {"web-01", "web-02", "db-01"}) {
      assertEquals(204, TelegrafAgent.post(heartbeats, token, TelegrafAgent.heartbeat(agent)).statusCode());
    }
    Reply config = gateway.post("/api/configs", team.session("manager"),
        new JsonObject().put("name", "base").put("toml", "[[inputs.cpu]]\n"));
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

  private Credentials manager() {
    return team.session("manager");
  }

  private JsonArray labels() {
    Reply reply = gateway.get("/api/labels", manager());
    assertEquals(200, reply.status(), reply.toString());
    return reply.json().getJsonArray("labels");
  }

  private JsonObject label(String name) {
    return labels().stream().map(JsonObject.class::cast).filter(l -> name.equals(l.getString("name"))).findFirst()
        .orElseThrow(() -> new AssertionError("no label " + name + " in " + labels()));
  }

  private String createLabel(String name, String color) {
    Reply created = gateway.post("/api/labels", manager(), new JsonObject().put("name", name).put("color", color));
    assertEquals(201, created.status(), created.toString());
    return created.json().getString("id");
  }

  /** The names of the labels the API says the agent or config (path) carries. */
  private Set<String> labelsOf(String path) {
    Reply reply = gateway.get(path, manager());
    assertEquals(200, reply.status(), reply.toString());
    return reply.json().getJsonArray("labels").stream().map(JsonObject.class::cast).map(l -> l.getString("name"))
        .collect(Collectors.toSet());
  }

  @Test
  @Order(1)
  void createEditAndRefuseADuplicateName() {
    browser.click(By.linkText("Labels"));
    browser.click(By.cssSelector("#new-label summary"));
    browser.type(By.id("label-name"), "production");
    browser.type(By.id("label-description"), "live traffic");
    browser.driver().executeScript("document.getElementById('label-color').value = '#16a34a'");
    browser.click(By.id("label-create"));
    browser.textContaining(By.id("labels-message"), "Created label “production”");
    browser.textContaining(By.id("labels-table"), "live traffic");
    JsonObject production = label("production");
    assertEquals("#16a34a", production.getString("color"));
    assertEquals("live traffic", production.getString("description"));

    browser.type(By.id("label-name"), "production");
    browser.click(By.id("label-create"));
    browser.textContaining(By.id("label-create-message"), "A label with this name already exists");
    assertEquals(1, labels().size(), "the refused label was not created");
    browser.screenshot("labels-01-conflict");
    browser.assertNoConsoleErrors("labels create", "/api/labels");

    By row = By.xpath("//table[@id='labels-table']//tr[td[normalize-space()='production']]");
    browser.find(row).findElement(By.cssSelector("button[data-action='edit']")).click();
    browser.type(By.id("edit-label-description"), "customer traffic");
    browser.click(By.id("edit-label-submit"));
    browser.textContaining(By.id("labels-message"), "Saved label “production”");
    browser.textContaining(row, "customer traffic");
    assertEquals("customer traffic", label("production").getString("description"));
    assertEquals("#16a34a", label("production").getString("color"), "the colour is kept");
    browser.assertNoConsoleErrors("labels edit");
  }

  /** A hostile name is the characters it is everywhere it shows; its colour is applied (by script, not inline). */
  @Test
  @Order(2)
  void aHostileLabelNameIsShownAsText() {
    String id = createLabel(XSS_NAME, "#ff0000");
    assertEquals(200, gateway.call("PUT", "/api/agents/db-01/labels/" + id, manager(), null).status());
    browser.reload("labels");
    WebElement row = browser.find(By.cssSelector("#labels-table tr[data-label-id='" + id + "']"));
    assertEquals(XSS_NAME, row.findElement(By.cssSelector("td.label-name")).getText());
    assertEquals("rgba(255, 0, 0, 1)", row.findElement(By.cssSelector(".swatch")).getCssValue("background-color"));
    browser.assertNoInjectedElement();

    browser.reload("agents");
    WebElement chip = browser.find(By.cssSelector("#agents-table tr[data-agent-id='db-01'] .label-chip"));
    assertEquals(XSS_NAME, chip.getText());
    browser.assertNoInjectedElement();
    browser.open("agents/db-01");
    browser.textContaining(By.id("agent-labels-chips"), XSS_NAME);
    browser.assertNoInjectedElement();
    browser.screenshot("labels-02-hostile-name");
    browser.assertNoConsoleErrors("hostile label name");
  }

  @Test
  @Order(3)
  void assignAndRemoveOnTheAgentAndConfigPages() {
    String production = label("production").getString("id");
    browser.open("agents/web-01");
    browser.chooseValue(By.id("agent-labels-picker"), production);
    browser.click(By.id("agent-labels-add"));
    browser.textContaining(By.id("agent-labels-chips"), "production");
    assertEquals(Set.of("production"), labelsOf("/api/agents/web-01"));

    browser.find(By.cssSelector("#agent-labels-chips [data-label-id='" + production + "'] button.chip-remove"))
        .click();
    browser.textContaining(By.id("agent-labels-chips"), "No labels");
    assertEquals(Set.of(), labelsOf("/api/agents/web-01"));
    browser.chooseValue(By.id("agent-labels-picker"), production);
    browser.click(By.id("agent-labels-add"));
    browser.textContaining(By.id("agent-labels-chips"), "production");
    assertEquals(Set.of("production"), labelsOf("/api/agents/web-01"));
    browser.screenshot("labels-03-agent");
    browser.assertNoConsoleErrors("agent labels");

    browser.open("configs/" + configId);
    browser.chooseValue(By.id("config-labels-picker"), production);
    browser.click(By.id("config-labels-add"));
    browser.textContaining(By.id("config-labels-chips"), "production");
    assertEquals(Set.of("production"), labelsOf("/api/configs/" + configId));
    browser.open("configs");
    browser.textContaining(By.cssSelector("#configs-table tr[data-config-id='" + configId + "'] td.labels"),
        "production");
    browser.assertNoConsoleErrors("config labels");
  }

  @Test
  @Order(4)
  void bulkAssignFromTheAgentsListAndFilterByLabels() {
    String production = label("production").getString("id");
    String staging = createLabel("staging", "#f59e0b");
    browser.open("agents");
    browser.find(By.cssSelector("#bulk-label option[value='" + staging + "']"));
    browser.click(By.cssSelector("input.agent-select[data-agent-id='web-02']"));
    browser.click(By.cssSelector("input.agent-select[data-agent-id='db-01']"));
    browser.chooseValue(By.id("bulk-label"), staging);
    browser.click(By.id("bulk-assign"));
    String results = browser.textContaining(By.id("bulk-results-table"), "web-02");
    assertTrue(results.contains("db-01") && results.contains("Done"), results);
    // The heading named no label: its name, one element, was moved into the table's caption.
    browser.textContaining(By.cssSelector("#bulk-results h3"), "Assign “staging”: result per agent");
    assertEquals(Set.of("staging"), labelsOf("/api/agents/web-02"));
    assertEquals(Set.of("staging", XSS_NAME), labelsOf("/api/agents/db-01"));
    assertEquals(Set.of("production"), labelsOf("/api/agents/web-01"), "an agent not selected is unchanged");
    browser.textContaining(By.cssSelector("#agents-table tr[data-agent-id='web-02'] td.labels"), "staging");
    browser.screenshot("labels-04-bulk-assign");

    browser.chooseValue(By.id("filter-label"), production);
    browser.until("the label filter applies", d -> d.findElements(By.cssSelector("#agents-table tbody tr")).size() == 1);
    browser.textContaining(By.id("agents-table"), "web-01");
    browser.textContaining(By.id("agents-total"), "1");
    browser.textContaining(By.id("filter-label-chosen"), "production");
    // Several labels: an agent must carry all of them.
    browser.chooseValue(By.id("filter-label"), staging);
    browser.find(By.id("agents-empty"));
    browser.screenshot("labels-05-filter-none");
    browser.find(By.cssSelector("#filter-label-chosen [data-label-id='" + production + "'] button.chip-remove"))
        .click();
    browser.until("only the staging agents", d -> d.findElements(By.cssSelector("#agents-table tbody tr")).size() == 2);
    String shown = browser.find(By.id("agents-table")).getText();
    assertTrue(shown.contains("web-02") && shown.contains("db-01") && !shown.contains("web-01"), shown);
    browser.textContaining(By.id("agents-total"), "2");
    // The filter stays when the operator comes back to the page.
    browser.click(By.linkText("Configs"));
    browser.find(By.id("configs-table"));
    browser.click(By.linkText("Agents"));
    browser.textContaining(By.id("filter-label-chosen"), "staging");
    browser.until("still filtered", d -> d.findElements(By.cssSelector("#agents-table tbody tr")).size() == 2);

    browser.click(By.cssSelector("input.agent-select[data-agent-id='web-02']"));
    browser.chooseValue(By.id("bulk-label"), staging);
    browser.click(By.id("bulk-remove"));
    browser.textContaining(By.id("bulk-results-table"), "web-02");
    assertEquals(Set.of(), labelsOf("/api/agents/web-02"));
    assertEquals(Set.of("staging", XSS_NAME), labelsOf("/api/agents/db-01"), "an agent not selected is unchanged");
    browser.until("web-02 leaves the filtered list",
        d -> !d.findElement(By.id("agents-list")).getText().contains("web-02"));
    browser.find(By.cssSelector("#filter-label-chosen [data-label-id='" + staging + "'] button.chip-remove")).click();
    browser.until("every agent again", d -> d.findElements(By.cssSelector("#agents-table tbody tr")).size() == 3);
    browser.assertNoConsoleErrors("agents labels");

    browser.open("configs");
    browser.chooseValue(By.id("filter-label"), staging);
    browser.find(By.id("configs-empty"));
    browser.find(By.cssSelector("#filter-label-chosen button.chip-remove")).click();
    browser.chooseValue(By.id("filter-label"), production);
    browser.textContaining(By.id("configs-table"), "base");
    browser.find(By.cssSelector("#filter-label-chosen button.chip-remove")).click();
    browser.textContaining(By.id("configs-table"), "base");
    browser.assertNoConsoleErrors("configs label filter");
  }

  @Test
  @Order(5)
  void bulkDeleteLabels() {
    String one = createLabel("old-one", "#000000");
    String two = createLabel("old-two", "#ffffff");
    browser.reload("labels");
    browser.click(By.cssSelector("#labels-table tr[data-label-id='" + one + "'] input[type=checkbox]"));
    browser.click(By.cssSelector("#labels-table tr[data-label-id='" + two + "'] input[type=checkbox]"));
    browser.click(By.id("bulk-delete"));
    browser.click(By.cssSelector("dialog[open] button[data-confirm]"));
    String results = browser.textContaining(By.id("bulk-results-table"), "old-one");
    assertTrue(results.contains("old-two") && results.contains("Done"), results);
    Set<String> names = labels().stream().map(JsonObject.class::cast).map(l -> l.getString("name"))
        .collect(Collectors.toSet());
    assertEquals(Set.of("production", "staging", XSS_NAME), names);
    browser.until("the deleted labels leave the list",
        d -> !d.findElement(By.id("labels-table")).getText().contains("old-one"));
    browser.screenshot("labels-06-bulk-delete");
    browser.assertNoConsoleErrors("labels bulk delete");
  }

  /** A viewer reads labels everywhere and has no button that would change one. */
  @Test
  @Order(6)
  void aViewerSeesNoWriteButtons() {
    JsonArray before = labels();
    browser.signIn("viewer", Team.PASSWORD);
    browser.click(By.linkText("Labels"));
    browser.textContaining(By.id("labels-table"), "production");
    for (String absent : new String[] {"#new-label", "#bulk-actions", "#labels-table button",
        "#labels-table input[type=checkbox]"}) {
      assertTrue(browser.driver().findElements(By.cssSelector(absent)).isEmpty(), absent + " is not shown");
    }
    browser.open("agents");
    browser.textContaining(By.cssSelector("#agents-table tr[data-agent-id='web-01'] td.labels"), "production");
    browser.find(By.id("filter-label"));
    for (String absent : new String[] {"#bulk-actions", "input.agent-select"}) {
      assertTrue(browser.driver().findElements(By.cssSelector(absent)).isEmpty(), absent + " is not shown");
    }
    browser.open("agents/web-01");
    browser.textContaining(By.id("agent-labels-chips"), "production");
    for (String absent : new String[] {"#agent-labels-add", "#agent-labels-picker", "button.chip-remove"}) {
      assertTrue(browser.driver().findElements(By.cssSelector(absent)).isEmpty(), absent + " is not shown");
    }
    browser.open("configs/" + configId);
    browser.textContaining(By.id("config-labels-chips"), "production");
    for (String absent : new String[] {"#config-labels-add", "button.chip-remove"}) {
      assertTrue(browser.driver().findElements(By.cssSelector(absent)).isEmpty(), absent + " is not shown");
    }
    browser.screenshot("labels-07-viewer");
    assertEquals(before, labels(), "nothing changed");
    browser.assertNoConsoleErrors("viewer");
  }
}
