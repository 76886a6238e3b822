package io.heartgate.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.heartgate.settings.DatabaseUrl;
import io.heartgate.testsupport.Reply;
import io.heartgate.testsupport.Team;
import io.heartgate.testsupport.TelegrafAgent;
import io.heartgate.testsupport.TestGateway;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;

/**
 * Text the console did not expect, in a real headless Chromium against a real gateway: names that hold bidi
 * controls, names too long to break at a space, a heartbeat whose optional parts are missing, a malformed route.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileTextConsoleTest {
  private static final String RLO_TOKEN = "prod-agent\u202etxt.exe";
  private static final String RLO_AGENT = "web-01\u202e10-bew";
  private static final String LONG_TOKEN = "W".repeat(255);
  private static final String LONG_AGENT = "W".repeat(256);
  private static final String LONG_LABEL = "L".repeat(100);
  private static final String LOGS_AGENT = "logs-01";
  private static final Dimension WIDE = new Dimension(1400, 900);

  @TempDir
  static Path tempDir;
  private TestGateway gateway;
  private ConsoleBrowser browser;
  private String rloTokenId;
  private String longTokenId;

  @BeforeAll
  void start() throws Exception {
    DatabaseUrl.Sqlite store = new DatabaseUrl.Sqlite(tempDir.resolve("heartgate.db"));
    gateway = TestGateway.start(store);
    Team team = Team.create(gateway);
    URI heartbeats = gateway.heartbeatListener("/agents/heartbeat");
    JsonObject agentToken = team.token(team.session("owner"), "prod-agent", "telegraf-agent");
    rloTokenId = agentToken.getString("id");
    // The API refuses such a name now; a store of before may hold one, as this one is made to.
    try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + store.file());
        PreparedStatement rename = connection.prepareStatement("UPDATE tokens SET name = ? WHERE id = ?")) {
      rename.setString(1, RLO_TOKEN);
      rename.setString(2, rloTokenId);
      assertEquals(1, rename.executeUpdate());
    }
    longTokenId = team.token(team.session("owner"), LONG_TOKEN, "telegraf-agent").getString("id");
    String token = agentToken.getString("token");
    String longHeartbeat = new JsonObject().put("id", LONG_AGENT).put("version", TelegrafAgent.VERSION)
        .put("schema", 1).put("hostname", LONG_AGENT.substring(1)).encode();
    String logsHeartbeat = TelegrafAgent.fixture("heartbeat_test.TestIncludedExtraData.logs.json")
        .replace("\"telegraf\"", "\"" + LOGS_AGENT + "\"");
    for (String body : new String[] {TelegrafAgent.heartbeat("web-01-rlo"), longHeartbeat, logsHeartbeat}) {
      assertEquals(204, TelegrafAgent.post(heartbeats, token, body).statusCode(), body);
    }
    // Heartbeats refuse such an id now; a store of before may hold one, as this one is made to.
    try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + store.file())) {
      for (String rename : new String[] {"UPDATE agents SET id = ? WHERE id = ?",
          "UPDATE agent_heartbeats SET agent_id = ? WHERE agent_id = ?",
          "UPDATE agent_search_keys SET agent_id = ? WHERE agent_id = ?"}) {
        try (PreparedStatement statement = connection.prepareStatement(rename)) {
          statement.setString(1, RLO_AGENT);
          statement.setString(2, "web-01-rlo");
          assertEquals(1, statement.executeUpdate(), rename);
        }
      }
    }
    Reply label = gateway.post("/api/labels", team.session("owner"),
        new JsonObject().put("name", LONG_LABEL).put("color", "#16a34a"));
    assertEquals(201, label.status(), label.toString());
    Reply assigned = gateway.call("PUT", "/api/agents/" + LONG_AGENT + "/labels/" + label.json().getString("id"),
        team.session("owner"), null);
    assertEquals(200, assigned.status(), assigned.toString());
    browser = ConsoleBrowser.start("http://127.0.0.1:" + gateway.apiPort());
    browser.openRoot();
    browser.signIn("owner", Team.PASSWORD);
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

  /** Element.append writes null as the text "null": the Logs section of a heartbeat without logsDropped did. */
  @Test
  void anAgentPageShowsNoNullForAMissingPart() {
    browser.reload("agents/" + LOGS_AGENT);
    browser.textContaining(By.id("agent-log-table"), "An error message");
    String logs = browser.find(By.id("agent-logs")).getText();
    assertFalse(logs.contains("null"), logs);
    String page = browser.find(By.id("main")).getText();
    assertFalse(page.contains("null"), page);
    browser.assertNoConsoleErrors("agent with logs");
  }

  /** A hash that is not valid percent-encoding shows the not-found view instead of a blank page. */
  @Test
  void aMalformedRouteShowsTheNotFoundView() {
    browser.reload("agents");
    browser.find(By.id("agents-table"));
    browser.open("agents/%E0%A4%A");
    browser.find(By.id("not-available"));
    browser.reload("agents/%E0%A4%A");
    browser.find(By.id("not-available"));
    browser.screenshot("hostile-malformed-route");
    browser.assertNoConsoleErrors("malformed route");
    browser.open("agents");
    browser.find(By.id("agents-table"));
  }

  /** Names of 255 and 256 characters without a space wrap inside their cells: the row's buttons stay in view. */
  @Test
  void longUnbrokenNamesWrapInsideTheTables() {
    browser.resize(WIDE);
    try {
      browser.reload("tokens");
      String row = "#tokens-table tr[data-token-id='" + longTokenId + "']";
      browser.find(By.cssSelector(row));
      assertFits("tokens-table", row + " button[data-action='revoke']");
      browser.screenshot("hostile-long-tokens");
      browser.reload("agents");
      browser.find(By.id("agents-table"));
      assertFits("agents-table", "#agents-table tr[data-agent-id='" + LONG_AGENT + "'] td:last-child");
      assertFits("agents-table", "#agents-table tr[data-agent-id='" + LONG_AGENT + "'] .label-chip");
      browser.screenshot("hostile-long-agents");
      // On a phone the table may scroll inside its wrapper, but the page itself (toolbars, pickers) stays as wide
      // as the screen.
      browser.resize(ConsoleBrowser.PHONE);
      browser.reload("agents");
      browser.find(By.id("agents-table"));
      assertEquals(true, browser.driver().executeScript(
          "return document.documentElement.scrollWidth <= document.documentElement.clientWidth"), "page width");
      browser.screenshot("hostile-long-agents-phone");
      browser.assertNoConsoleErrors("long names");
    } finally {
      browser.resize(ConsoleBrowser.DESKTOP);
    }
  }

  private void assertFits(String tableId, String lastThing) {
    Object measured = browser.driver().executeScript("const table = document.getElementById(arguments[0]);"
        + "const wrap = table.parentElement;"
        + "const last = document.querySelector(arguments[1]).getBoundingClientRect();"
        + "return table.scrollWidth <= wrap.clientWidth && last.right <= document.documentElement.clientWidth"
        + "  ? 'ok' : `table ${table.scrollWidth} px in ${wrap.clientWidth} px; the last column ends at ${last.right}"
        + " px of ${document.documentElement.clientWidth} px`;", tableId, lastThing);
    assertEquals("ok", measured, tableId);
  }

  /**
   * A name holding U+202E (right-to-left override) is isolated wherever the console's own text surrounds it: the
   * words after it still run left to right (measured in the rendered page), and the name sits in an element of its
   * own that isolates it (a bdi).
   */
  @Test
  void aBidiOverrideInANameCannotReorderTheTextAroundIt() {
    browser.reload("tokens");
    browser.click(By.cssSelector("#tokens-table tr[data-token-id='" + rloTokenId + "'] button[data-action='revoke']"));
    browser.textContaining(By.cssSelector("dialog[open]"), "irreversible");
    browser.screenshot("hostile-bidi-revoke");
    assertIsolated("dialog[open] article > p", RLO_TOKEN);
    browser.click(By.cssSelector("dialog[open] button.secondary"));
    browser.until("the dialog closes", d -> d.findElements(By.cssSelector("dialog[open]")).isEmpty());
    assertIsolated("#tokens-table tr[data-token-id='" + rloTokenId + "'] td.token-name", RLO_TOKEN);

    browser.reload("agents");
    browser.find(By.id("agents-table"));
    assertIsolated("#agents-table a.agent-link[data-agent-id='" + RLO_AGENT + "']", RLO_AGENT);
    browser.reload("agents/" + URLEncoder.encode(RLO_AGENT, StandardCharsets.UTF_8));
    browser.textContaining(By.id("agent-record"), "host-web-01");
    assertIsolated("#agent-title", RLO_AGENT);
    browser.click(By.id("agent-delete"));
    browser.textContaining(By.cssSelector("dialog[open]"), "heartbeats");
    browser.screenshot("hostile-bidi-agent-delete");
    assertIsolated("dialog[open] article > p", RLO_AGENT);
    browser.click(By.cssSelector("dialog[open] button.secondary"));
    browser.assertNoConsoleErrors("bidi names");
  }

  /** Checks in the browser that the name in the element (selector) is isolated from the text around it. */
  private void assertIsolated(String selector, String name) {
    Object verdict = browser.driver().executeScript(ISOLATED, selector, name);
    assertEquals("ok", verdict, selector);
  }

  private static final String ISOLATED = """
      const [selector, name] = arguments;
      const box = document.querySelector(selector);
      if (!box) { return 'nothing matches ' + selector; }
      const walker = document.createTreeWalker(box, NodeFilter.SHOW_TEXT);
      const nodes = [];
      let text = '';
      for (let n = walker.nextNode(); n; n = walker.nextNode()) { nodes.push([n, text.length]); text += n.data; }
      const at = text.indexOf(name);
      if (at < 0) { return 'the name is not in ' + JSON.stringify(text); }
      const place = (i) => nodes.filter(([, start]) => start <= i).pop();
      const left = (i) => {
        const [node, start] = place(i);
        const range = document.createRange();
        range.setStart(node, i - start);
        range.setEnd(node, i - start + 1);
        return range.getBoundingClientRect().left;
      };
      const rest = text.slice(at + name.length);
      const pair = /\\p{L}\\p{L}/u.exec(rest);
      if (pair) {
        const i = at + name.length + pair.index;
        if (!(left(i) < left(i + 1))) { return 'the text after the name runs right to left: ' + JSON.stringify(rest); }
      }
      let holder = place(at)[0].parentElement;
      while (holder && box.contains(holder) && holder.tagName !== 'BDI'
          && getComputedStyle(holder).unicodeBidi !== 'isolate') {
        holder = holder.parentElement;
      }
      if (!holder || !box.contains(holder)) { return 'no element isolates the name'; }
      if (holder.textContent !== name) {
        return 'the isolating element holds more: ' + JSON.stringify(holder.textContent);
      }
      return 'ok';
      """;
}
