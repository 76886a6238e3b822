package io.heartgate.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.heartgate.settings.DatabaseUrl;
import io.heartgate.testsupport.TestGateway;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;

/**
 * The API reference page in a real headless Chromium, offline: Swagger UI from the gateway's jar renders every
 * operation of the document, under the page's strict policy, without a single console error (a blocked script,
 * style or request would log one).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiDocsPageTest {
  @TempDir
  static Path tempDir;
  private TestGateway gateway;
  private ConsoleBrowser browser;

  @BeforeAll
  void start() throws Exception {
    gateway = TestGateway.start(new DatabaseUrl.Sqlite(tempDir.resolve("heartgate.db")));
    browser = ConsoleBrowser.start("http://127.0.0.1:" + gateway.apiPort());
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

  @Test
  void theReferencePageListsEveryOperation() {
    JsonObject document = new JsonObject(TestGateway.get(gateway.api("/api/openapi.json")).body());
    int operations = document.getJsonObject("paths").stream()
        .mapToInt(path -> (int) ((JsonObject) path.getValue()).fieldNames().stream()
            .filter(key -> !key.equals("parameters")).count())
        .sum();

    browser.driver().get("http://127.0.0.1:" + gateway.apiPort() + "/api/docs");
    browser.textContaining(By.cssSelector(".info .title"), "Heartgate API");
    browser.until("every operation is listed",
        driver -> driver.findElements(By.cssSelector(".opblock")).size() == operations);
    List<String> paths = browser.driver().findElements(By.cssSelector(".opblock-summary-path")).stream()
        .map(element -> element.getAttribute("data-path")).toList();
    assertTrue(paths.contains("/api/tokens") && paths.contains("/api/configs/{id}/toml")
        && paths.contains("/agents/heartbeat"), paths.toString());
    browser.screenshot("api-docs");

    browser.click(By.cssSelector("#operations-tokens-createToken .opblock-summary-control"));
    browser.textContaining(By.cssSelector("#operations-tokens-createToken"), "droppedPermissions");
    browser.screenshot("api-docs-create-token");
    List<String> errors = browser.consoleErrors();
    assertEquals(List.of(), errors, "console errors (a policy violation, a failed load) on /api/docs");
  }
}
