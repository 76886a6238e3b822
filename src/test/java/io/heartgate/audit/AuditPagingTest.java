package io.heartgate.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.heartgate.testsupport.Credentials;
import io.heartgate.testsupport.MovableClock;
import io.heartgate.testsupport.Reply;
import io.heartgate.testsupport.StoreKind;
import io.heartgate.testsupport.Team;
import io.heartgate.testsupport.TestGateway;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The audit log is read page by page with {@code nextCursor}, every event once. Today (a helper's probe): only
 * {@code from}, {@code to} and {@code limit}; events of one millisecond beyond a page's limit (create-tokens writes
 * 10,000 in one batch) could not be read at all.
 */
class AuditPagingTest {
  @TempDir
  Path tempDir;
  private final MovableClock clock = new MovableClock();
  private TestGateway gateway;

  @AfterEach
  void stop() {
    if (gateway != null) {
      gateway.close();
    }
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void eventsOfOneMillisecondArePagedEachOnce(StoreKind kind) throws Exception {
    gateway = TestGateway.start(kind.freshStore(tempDir), clock);
    Team team = Team.create(gateway);
    Credentials owner = team.session("owner");
    clock.freeze();
    for (int i = 0; i < 7; i++) {
      assertEquals(201, gateway.post("/api/tokens", owner, new JsonObject().put("name", "t" + i)
          .put("permissions", "read-only")).status());
    }
    List<JsonObject> all = events(gateway.get("/api/audit?limit=1000", owner));
    List<JsonObject> paged = new ArrayList<>();
    String cursor = null;
    int pages = 0;
    do {
      Reply page = gateway.get("/api/audit?limit=3" + (cursor == null ? ""
          : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8)), owner);
      assertEquals(200, page.status(), page.toString());
      paged.addAll(events(page));
      cursor = page.json().getString("nextCursor");
      pages++;
    } while (cursor != null && pages < 100);
    assertEquals(all, paged, "every event once, newest first");
    assertNull(gateway.get("/api/audit?limit=1000", owner).json().getString("nextCursor"), "the last page");
    // A full last page is not followed by an empty one (the page went on whenever it was full).
    assertNull(gateway.get("/api/audit?limit=" + all.size(), owner).json().getString("nextCursor"),
        "a page of exactly every event is the last");

    String given = gateway.get("/api/audit?limit=1", owner).json().getString("nextCursor");
    String position = new String(java.util.Base64.getUrlDecoder().decode(given), StandardCharsets.US_ASCII);
    // A cursor is taken only as a page gave it: not padded, not with a leading zero, not made up.
    for (String forged : List.of("not-a-cursor", given + "%3D", java.util.Base64.getUrlEncoder().withoutPadding()
        .encodeToString(("0" + position).getBytes(StandardCharsets.US_ASCII)))) {
      Reply bad = gateway.get("/api/audit?cursor=" + forged, owner);
      assertEquals(400, bad.status(), forged + ": " + bad);
      assertEquals("cursor", bad.json().getJsonObject("details").getString("field"));
    }
  }

  private static List<JsonObject> events(Reply page) {
    return page.json().getJsonArray("events").stream().map(e -> (JsonObject) e).toList();
  }
}
