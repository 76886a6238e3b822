package io.heartgate.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.heartgate.settings.DatabaseUrl;
import io.heartgate.testsupport.Credentials;
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
import org.openqa.selenium.WebElement;

/**
 * Aliases and config groups in the console, in a real headless Chromium against a real gateway: configs made with
 * and given an alias (whose short URL the page shows and the gateway serves), a group with a hostile name holding
 * two configs, reordered, its preview and URLs following; a clash refused naming both configs; a config in a group
 * not deleted, the refusal linking the group; a viewer without write controls; the group deleted. Each action is
 * checked against the API too. The tests build on each other in order.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConfigGroupsConsoleTest {
  private static final String GROUP_NAME = "<img src=x onerror=alert(1)> edge";

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

  private JsonObject config(String name) {
    Reply reply = gateway.get("/api/configs", manager());
    assertEquals(200, reply.status(), reply.toString());
    return reply.json().getJsonArray("configs").stream().map(JsonObject.class::cast)
        .filter(c -> name.equals(c.getString("name"))).findFirst()
        .orElseThrow(() -> new AssertionError("no config " + name));
  }

  private String configId(String name) {
    return config(name).getString("id");
  }

  private JsonArray groups() {
    Reply reply = gateway.get("/api/config-groups", manager());
    assertEquals(200, reply.status(), reply.toString());
    return reply.json().getJsonArray("configGroups");
  }

  private JsonObject group() {
    JsonArray groups = groups();
    assertEquals(1, groups.size(), groups.encode());
    return groups.getJsonObject(0);
  }

  private void createConfig(String name, String alias, String toml) {
    browser.click(By.linkText("Configs"));
    browser.click(By.cssSelector("#new-config summary"));
    browser.type(By.id("config-name"), name);
    if (alias != null) {
      browser.type(By.id("config-alias"), alias);
    }
    browser.click(By.id("config-template"));
    browser.type(By.id("config-toml"), toml);
    browser.click(By.id("config-create"));
    browser.textContaining(By.id("config-title"), name);
  }

  /** The preview's text once it holds the fragment. */
  private String preview(String fragment) {
    return browser.textContaining(By.id("group-toml"), fragment);
  }

  @Test
  @Order(1)
  void configsGetAnAliasWhoseShortUrlTheGatewayServes() {
    createConfig("cpu", "cpu-base", "[[inputs.cpu]]\n  percpu = true\n");
    assertEquals("cpu-base", config("cpu").getString("alias"));
    String shortUrl = browser.textContaining(By.id("config-url-alias"), "/c/cpu-base?agent_id=agent-01");
    assertTrue(shortUrl.startsWith("http://127.0.0.1:" + gateway.apiPort() + "/c/"), shortUrl);
    browser.textContaining(By.id("config-url-id"), "/api/configs/" + configId("cpu") + "/toml?agent_id=agent-01");
    Reply served = gateway.get("/c/cpu-base?agent_id=agent-01", manager());
    assertEquals(200, served.status(), served.toString());
    assertTrue(served.body().contains("percpu = true"), served.body());

    createConfig("mem", null, "[[inputs.mem]]\n");
    assertNull(config("mem").getString("alias"));
    browser.find(By.id("config-url-alias-none"));
    browser.type(By.id("config-alias"), "mem-base");
    browser.click(By.id("config-save"));
    browser.textContaining(By.id("config-url-alias"), "/c/mem-base?agent_id=agent-01");
    assertEquals("mem-base", config("mem").getString("alias"));
    assertEquals(200, gateway.get("/c/mem-base", manager()).status());

    browser.type(By.id("config-alias"), "cpu-base");
    browser.click(By.id("config-save"));
    browser.textContaining(By.id("config-toml-message"), "This alias is already used");
    assertEquals("mem-base", config("mem").getString("alias"), "the taken alias changed nothing");

    browser.find(By.id("config-alias")).clear();
    browser.click(By.id("config-save"));
    browser.find(By.id("config-url-alias-none"));
    assertNull(config("mem").getString("alias"), "an emptied field removes the alias");
    assertEquals(404, gateway.get("/c/mem-base", manager()).status());
    browser.type(By.id("config-alias"), "mem-base");
    browser.click(By.id("config-save"));
    browser.textContaining(By.id("config-url-alias"), "/c/mem-base");

    browser.click(By.linkText("Configs"));
    WebElement row = browser.find(By.cssSelector("#configs-table tr[data-config-id='" + configId("cpu") + "']"));
    assertEquals("cpu-base", row.findElement(By.cssSelector("td.config-alias")).getText());
    browser.screenshot("groups-01-config-alias");
    browser.assertNoConsoleErrors("config aliases", "/api/configs/");
  }

  @Test
  @Order(2)
  void aGroupWithTwoConfigsIsReorderedAndThePreviewFollows() {
    browser.click(By.linkText("Config groups"));
    browser.find(By.id("config-groups-empty"));
    browser.click(By.cssSelector("#new-group summary"));
    browser.type(By.id("group-name"), GROUP_NAME);
    browser.type(By.id("group-alias"), "edge");
    browser.type(By.id("group-description"), "<b>every edge node</b>");
    browser.click(By.id("group-create"));
    assertEquals(GROUP_NAME, browser.textContaining(By.id("group-title"), "edge"));
    browser.assertNoInjectedElement();
    JsonObject created = group();
    assertEquals("edge", created.getString("alias"));
    assertEquals(GROUP_NAME, created.getString("name"));
    browser.find(By.id("group-members-empty"));

    browser.choose(By.id("group-add-config"), "cpu");
    browser.click(By.id("group-add"));
    browser.textContaining(By.id("group-members-message"), "Added cpu.");
    browser.choose(By.id("group-add-config"), "mem");
    browser.click(By.id("group-add"));
    browser.textContaining(By.id("group-members-message"), "Added mem.");
    String cpu = configId("cpu");
    String mem = configId("mem");
    assertEquals(List.of(cpu, mem), group().getJsonArray("configIds").getList());
    String toml = preview("# config: mem");
    assertTrue(toml.indexOf("# config: cpu") < toml.indexOf("# config: mem"), toml);
    browser.screenshot("groups-02-two-members");

    browser.find(By.cssSelector("#group-members-list li[data-config-id='" + mem + "'] button[data-action='up']"))
        .click();
    browser.textContaining(By.id("group-members-message"), "Moved mem up.");
    assertEquals(List.of(mem, cpu), group().getJsonArray("configIds").getList());
    browser.until("the preview shows mem first", d -> {
      String text = d.findElement(By.id("group-toml")).getText();
      return text.contains("# config: cpu") && text.indexOf("# config: mem") < text.indexOf("# config: cpu");
    });
    List<WebElement> items = browser.driver().findElements(By.cssSelector("#group-members-list li"));
    assertEquals(mem, items.get(0).getDomAttribute("data-config-id"));

    String groupId = created.getString("id");
    browser.textContaining(By.id("group-url-id"), "/api/config-groups/" + groupId + "/toml?agent_id=agent-01");
    browser.textContaining(By.id("group-url-alias"), "/api/config-groups/edge/toml?agent_id=agent-01");
    browser.textContaining(By.id("group-url-short"), "/c/edge?agent_id=agent-01");
    Reply served = gateway.get("/c/edge?agent_id=agent-01", manager());
    assertEquals(200, served.status(), served.toString());
    assertTrue(served.body().indexOf("[[inputs.mem]]") < served.body().indexOf("[[inputs.cpu]]"), served.body());

    browser.click(By.linkText("Config groups"));
    WebElement row = browser.find(By.cssSelector("#config-groups-table tr[data-group-id='" + groupId + "']"));
    assertEquals(GROUP_NAME, row.findElement(By.cssSelector("a.group-link")).getText());
    assertEquals("edge", row.findElement(By.cssSelector("td.group-alias")).getText());
    assertEquals("2", row.findElement(By.cssSelector("td.group-members")).getText());
    browser.assertNoInjectedElement();
    browser.screenshot("groups-03-reordered");
    browser.assertNoConsoleErrors("group members");
  }

  @Test
  @Order(3)
  void aClashIsRefusedNamingBothConfigs() {
    for (String name : new String[] {"agent-a", "agent-b"}) {
      Reply made = gateway.post("/api/configs", manager(),
          new JsonObject().put("name", name).put("toml", "[agent]\n  interval = \"10s\"\n"));
      assertEquals(201, made.status(), made.toString());
    }
    JsonObject before = group();
    browser.open("config-groups/" + before.getString("id"));
    browser.driver().navigate().refresh();
    browser.choose(By.id("group-add-config"), "agent-a");
    browser.click(By.id("group-add"));
    browser.textContaining(By.id("group-members-message"), "Added agent-a.");
    JsonObject withA = group();
    browser.choose(By.id("group-add-config"), "agent-b");
    browser.click(By.id("group-add"));
    String refusal = browser.textContaining(By.id("group-members-message"), "cannot be served in one document");
    assertTrue(refusal.contains("Configs: agent-a, agent-b"), refusal);
    browser.find(By.cssSelector("#group-members-message a[href='#/configs/" + configId("agent-b") + "']"));
    assertEquals(withA, group(), "the refused member changed nothing");
    browser.screenshot("groups-04-clash");

    browser.find(By.cssSelector("#group-members-list li[data-config-id='" + configId("agent-a")
        + "'] button[data-action='remove']")).click();
    browser.textContaining(By.id("group-members-message"), "Removed agent-a.");
    assertEquals(before.getJsonArray("configIds"), group().getJsonArray("configIds"));
    browser.assertNoConsoleErrors("group clash", "/api/config-groups/");
  }

  @Test
  @Order(4)
  void aConfigInAGroupIsNotDeletedAndTheRefusalLinksTheGroup() {
    JsonObject before = config("cpu");
    String groupId = group().getString("id");
    browser.open("configs/" + before.getString("id"));
    browser.driver().navigate().refresh();
    browser.click(By.id("config-delete"));
    browser.click(By.cssSelector("dialog[open] button[data-confirm]"));
    String refusal = browser.textContaining(By.id("config-message"), "Not deleted: Config cpu is a member of");
    assertTrue(refusal.contains("Config group: " + GROUP_NAME), refusal);
    browser.assertNoInjectedElement();
    Reply still = gateway.get("/api/configs/" + before.getString("id"), manager());
    assertEquals(200, still.status(), "the config was not deleted");
    browser.screenshot("groups-05-config-in-group");
    browser.assertNoConsoleErrors("config in group", "/api/configs/");

    browser.click(By.cssSelector("#config-message a[href='#/config-groups/" + groupId + "']"));
    browser.textContaining(By.id("group-title"), "edge");
  }

  @Test
  @Order(5)
  void aViewerSeesNoWriteControls() {
    JsonObject before = group();
    browser.signIn("viewer", Team.PASSWORD);
    browser.click(By.linkText("Config groups"));
    browser.find(By.id("config-groups-table"));
    assertTrue(browser.driver().findElements(By.id("new-group")).isEmpty(), "no New config group");
    browser.click(By.cssSelector("a.group-link"));
    preview("# config: cpu");
    assertEquals("true", browser.find(By.id("group-name")).getDomProperty("readOnly"));
    assertEquals("true", browser.find(By.id("group-alias")).getDomProperty("readOnly"));
    for (String absent : new String[] {"#group-save", "#group-add", "#group-add-config", "#group-delete",
        "#group-members-list button"}) {
      assertTrue(browser.driver().findElements(By.cssSelector(absent)).isEmpty(), absent + " is not shown");
    }
    browser.textContaining(By.id("group-url-short"), "/c/edge");
    browser.screenshot("groups-06-viewer");

    browser.open("configs/" + configId("cpu"));
    assertEquals("true", browser.find(By.id("config-alias")).getDomProperty("readOnly"));
    browser.textContaining(By.id("config-url-alias"), "/c/cpu-base");
    assertTrue(browser.driver().findElements(By.id("config-delete")).isEmpty(), "no Delete config");
    assertEquals(before, group(), "nothing changed");
    browser.assertNoConsoleErrors("viewer");
  }

  @Test
  @Order(6)
  void theGroupIsDeletedAfterConfirmation() {
    browser.signIn("manager", Team.PASSWORD);
    String groupId = group().getString("id");
    browser.open("config-groups/" + groupId);
    browser.driver().navigate().refresh();
    browser.click(By.id("group-delete"));
    browser.click(By.xpath("//dialog[@open]//button[normalize-space()='Cancel']"));
    browser.until("the dialog closes", d -> d.findElements(By.cssSelector("dialog[open]")).isEmpty());
    assertEquals(1, groups().size(), "a cancelled delete changes nothing");
    browser.click(By.id("group-delete"));
    browser.click(By.cssSelector("dialog[open] button[data-confirm]"));
    browser.find(By.id("config-groups-empty"));
    assertEquals(0, groups().size());
    assertEquals(404, gateway.get("/c/edge", manager()).status());
    assertEquals(204, gateway.call("DELETE", "/api/configs/" + configId("cpu"), manager(), null).status(),
        "a config no group holds is deleted");
    browser.assertNoConsoleErrors("group delete");
  }
}
