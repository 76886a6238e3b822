package io.heartgate.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.heartgate.settings.DatabaseUrl;
import io.heartgate.testsupport.Credentials;
import io.heartgate.testsupport.MovableClock;
import io.heartgate.testsupport.Reply;
import io.heartgate.testsupport.Team;
import io.heartgate.testsupport.TestGateway;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The console's audit page reads every event of its range once, following the API's cursor. Today it asked for the
 * events before the oldest one shown, by time: those of that same millisecond beyond a page (the command line's
 * {@code create-tokens} writes thousands at once) were never shown.
 */
class AuditConsoleTest {
  @TempDir
  Path tempDir;

  @Test
  void olderEventsShowEveryEventOnceThoughManyShareAMillisecond() throws Exception {
    MovableClock clock = new MovableClock();
    try (TestGateway gateway = TestGateway.start(new DatabaseUrl.Sqlite(tempDir.resolve("heartgate.db")), clock);
        ConsoleBrowser browser = ConsoleBrowser.start("http://127.0.0.1:" + gateway.apiPort())) {
      Team team = Team.create(gateway);
      Credentials owner = team.session("owner");
      clock.freeze();
      for (int i = 0; i < 230; i++) {
        Reply created = gateway.post("/api/tokens", owner, new JsonObject().put("name", "t" + i)
            .put("permissions", "read-only"));
        assertEquals(201, created.status(), created.toString());
      }
      browser.openRoot();
      browser.signIn("owner", Team.PASSWORD);
      browser.assertNoConsoleErrors("sign-in", "/api/auth/me");
      int total = countEvents(gateway, owner);
      assertTrue(total > 200, "more than two pages of the console's: " + total);

      browser.open("audit");
      browser.textContaining(By.id("audit-list"), "events loaded");
      for (int pages = 1; browser.driver().findElement(By.id("audit-older")).isDisplayed(); pages++) {
        assertTrue(pages < 10, "the pages end");
        int shown = rows(browser).size();
        browser.click(By.id("audit-older"));
        browser.until("the next page is shown", d -> rows(browser).size() > shown);
      }
      browser.textContaining(By.id("audit-list"), total + " of " + total + " events loaded");
      // The rows' texts in one call: one WebDriver round trip per row took seconds.
      @SuppressWarnings("unchecked")
      Set<String> distinct = new HashSet<>((List<String>) browser.driver().executeScript(
          "return Array.from(document.querySelectorAll('#audit-table tbody tr'), row => row.innerText)"));
      // Each token's creation names it: 230 different rows at least, with the logins and the setup besides.
      assertTrue(distinct.size() >= 230, "each event once: " + distinct.size() + " distinct rows of " + total);
      browser.screenshot("audit-all-pages");
      browser.assertNoConsoleErrors("audit");
    }
  }

  private static List<WebElement> rows(ConsoleBrowser browser) {
    return browser.driver().findElements(By.cssSelector("#audit-table tbody tr"));
  }

  /** Every event the API has, following its cursor. */
  private static int countEvents(TestGateway gateway, Credentials owner) {
    int count = 0;
    String cursor = null;
    do {
      Reply page = gateway.get("/api/audit?limit=1000" + (cursor == null ? ""
          : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8)), owner);
      assertEquals(200, page.status(), page.toString());
      count += page.json().getJsonArray("events").size();
      cursor = page.json().getString("nextCursor");
    } while (cursor != null);
    return count;
  }
}
