package io.heartgate.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.heartgate.heartbeat.HeartbeatRoutes;
import io.heartgate.settings.DatabaseUrl;
import io.heartgate.store.Store;
import io.heartgate.testsupport.Await;
import io.heartgate.testsupport.Credentials;
import io.heartgate.testsupport.LockedTable;
import io.heartgate.testsupport.Poll;
import io.heartgate.testsupport.Reply;
import io.heartgate.testsupport.Scrape;
import io.heartgate.testsupport.SlowUpload;
import io.heartgate.testsupport.StoreKind;
import io.heartgate.testsupport.Team;
import io.heartgate.testsupport.TelegrafAgent;
import io.heartgate.testsupport.TestGateway;
import io.heartgate.testsupport.TestStores;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A request's body keeps its room in REQUEST_BUFFER_MIB until the request is answered, also when its client left
 * before that: the body, and what was parsed of it, stay in the heap while the request is processed. Today (a
 * helper's probe, F3): the room was given back as soon as the connection closed, so clients saving configs of
 * 900 KB and leaving at once were bounded by nothing, and 200 of them halted a node of 256 MiB with a healthy store.
 */
class BodiesInProcessingTest {
  private static final int LENGTH = 800_000;
  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir
  Path tempDir;
  @RegisterExtension
  final TestStores stores = new TestStores();

  @Test
  void aBodyHoldsItsRoomUntilItsRequestIsAnsweredThoughItsClientLeft() throws Exception {
    DatabaseUrl url = StoreKind.POSTGRES.freshStore(tempDir);
    try (TestGateway gateway = TestGateway.start(url, "--request-buffer-mib", "1")) {
      Team team = Team.create(gateway);
      Credentials owner = team.session("owner");
      String agent = team.token(owner, "fleet", "telegraf-agent").getString("token");
      String writer = team.token(owner, "script", new JsonArray(List.of("configs:write"))).getString("token");
      Credentials prometheus = Credentials.bearer(
          team.token(owner, "prometheus", new JsonArray(List.of("metrics:read"))).getString("token"));
      Store observer = stores.open(url, 1);
      byte[] save = configSave(LENGTH);

      try (LockedTable configs = LockedTable.lock(stores.open(url, 1), "configs")) {
        try (SlowUpload client = SlowUpload.start(gateway.apiPort(), head(gateway.apiPort(), writer, save.length))) {
          client.send(save);
          Poll.until(WAIT, "the save waits for the locked table", () -> waitingForLocks(observer) > 0);
          assertTrue(scrape(gateway, prometheus).sum("heartgate_request_buffer_bytes") >= save.length,
              "the save holds its body's room");
        }
        Poll.until(WAIT, "the node saw its client leave",
            () -> scrape(gateway, prometheus).sum("vertx_http_server_request_resets_total", "method", "POST") >= 1);
        assertTrue(scrape(gateway, prometheus).sum("heartgate_request_buffer_bytes") >= save.length,
            "the save still holds its body's room while it is processed");
        assertEquals(503, heartbeat(gateway, agent).statusCode(), "no room for another body meanwhile");
      }
      Poll.until(WAIT, "the room is given back once the save is done",
          () -> scrape(gateway, prometheus).sum("heartgate_request_buffer_bytes") == 0);
      assertEquals(1_048_576, scrape(gateway, prometheus).sum("heartgate_request_buffer_limit_bytes"));
      HttpResponse<String> after = heartbeat(gateway, agent);
      assertEquals(204, after.statusCode(), after.body());
    }
  }

  private static long waitingForLocks(Store observer) {
    return Await.of(observer.query("SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
        + "WHERE NOT l.granted AND a.datname = current_database()", Tuple.tuple()))
        .iterator().next().getLong(0);
  }

  private static Scrape scrape(TestGateway gateway, Credentials prometheus) {
    Reply reply = gateway.get("/metrics", prometheus);
    assertEquals(200, reply.status(), reply.toString());
    return Scrape.parse(reply.body());
  }

  private static HttpResponse<String> heartbeat(TestGateway gateway, String token) {
    // Whitespace before the fields: the body is as long as the save's, and valid.
    byte[] json = TelegrafAgent.heartbeat("after").getBytes(StandardCharsets.UTF_8);
    byte[] padded = new byte[LENGTH];
    Arrays.fill(padded, (byte) ' ');
    padded[0] = '{';
    System.arraycopy(json, 1, padded, LENGTH - (json.length - 1), json.length - 1);
    return TestGateway.send(TelegrafAgent.request(gateway.heartbeatListener(HeartbeatRoutes.PATH), token, padded)
        .build());
  }

  /** A config save of about {@code length} bytes: a TOML document padded with a comment. */
  private static byte[] configSave(int length) {
    String toml = "[agent]\n#" + "x".repeat(length - 64) + "\n";
    return new JsonObject().put("name", "large").put("toml", toml).encode().getBytes(StandardCharsets.UTF_8);
  }

  private static String head(int port, String token, int contentLength) {
    return "POST /api/configs HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nAuthorization: Bearer " + token
        + "\r\nContent-Type: application/json\r\nContent-Length: " + contentLength + "\r\n\r\n";
  }
}
