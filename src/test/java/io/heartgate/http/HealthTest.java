package io.heartgate.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.heartgate.settings.DatabaseUrl;
import io.heartgate.testsupport.Credentials;
import io.heartgate.testsupport.StoreKind;
import io.heartgate.testsupport.Team;
import io.heartgate.testsupport.TestGateway;
import io.heartgate.testsupport.WaitingSqliteWrite;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Health endpoints and error bodies, over HTTP on loopback, on both listeners and both stores. */
class HealthTest {
  @TempDir
  Path tempDir;

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void liveAndReadyAnswerOnBothListeners(StoreKind kind) throws Exception {
    try (TestGateway gateway = TestGateway.start(kind.freshStore(tempDir))) {
      for (Function<String, URI> listener : java.util.List.<Function<String, URI>>of(gateway::api,
          gateway::heartbeatListener)) {
        HttpResponse<String> live = TestGateway.get(listener.apply("/health/live"));
        assertEquals(200, live.statusCode());
        assertEquals(new JsonObject().put("status", "ok"), new JsonObject(live.body()));
        HttpResponse<String> ready = TestGateway.get(listener.apply("/health/ready"));
        assertEquals(200, ready.statusCode());
        assertEquals(new JsonObject().put("ready", true), new JsonObject(ready.body()));
        assertEquals("application/json", ready.headers().firstValue("content-type").orElse(""));
      }
    }
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void unknownPathsAndMethodsGetContractErrorBodies(StoreKind kind) throws Exception {
    try (TestGateway gateway = TestGateway.start(kind.freshStore(tempDir))) {
      HttpResponse<String> missing = TestGateway.get(gateway.api("/api/nothing-here"));
      assertEquals(404, missing.statusCode());
      assertEquals("not_found", new JsonObject(missing.body()).getString("error"));
      HttpResponse<String> wrongMethod = TestGateway.send(HttpRequest.newBuilder(gateway.api("/health/live"))
          .DELETE().build());
      assertEquals(405, wrongMethod.statusCode());
      JsonObject body = new JsonObject(wrongMethod.body());
      assertEquals("method_not_allowed", body.getString("error"));
      assertEquals("Method not allowed on this resource", body.getString("message"));
      assertEquals("GET, HEAD", wrongMethod.headers().firstValue("allow").orElse(null), "the methods it has");
      HttpResponse<String> notThere = TestGateway.send(HttpRequest.newBuilder(gateway.api("/api/configs"))
          .method("PATCH", HttpRequest.BodyPublishers.noBody()).build());
      assertEquals(405, notThere.statusCode());
      assertEquals("GET, HEAD, POST", notThere.headers().firstValue("allow").orElse(null));
      HttpResponse<String> slashed = TestGateway.send(HttpRequest.newBuilder(gateway.api("/api/configs/"))
          .method("PATCH", HttpRequest.BodyPublishers.noBody()).build());
      assertEquals("GET, HEAD, POST", slashed.headers().firstValue("allow").orElse(null), "a trailing slash");
    }
  }

  /**
   * HEAD wherever GET is served (RFC 9110): load balancers check health with it. Today (a helper's probe): the
   * console's files and the API's description went without the Content-Type or Content-Length GET has.
   */
  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void headAnswersAsGetDoesWithoutABody(StoreKind kind) throws Exception {
    try (TestGateway gateway = TestGateway.start(kind.freshStore(tempDir))) {
      for (String path : List.of("/health/ready", "/health/live", "/api/version", "/", "/console/",
          "/console/js/app.js", "/console/favicon.svg", "/webjars/picocss__pico/2.1.1/css/pico.min.css",
          "/api/docs", "/api/openapi.json", "/api/openapi.yaml", "/api/docs/swagger-ui/swagger-ui.css")) {
        HttpResponse<String> get = TestGateway.get(gateway.api(path));
        HttpResponse<String> head = TestGateway.send(HttpRequest.newBuilder(gateway.api(path))
            .method("HEAD", HttpRequest.BodyPublishers.noBody()).build());
        assertEquals(get.statusCode(), head.statusCode(), path);
        // No body: the client does not read one after HEAD, so a body sent would be taken for the next answer.
        assertEquals("", head.body(), path);
        for (String header : List.of("content-type", "content-length", "cache-control")) {
          assertEquals(get.headers().firstValue(header), head.headers().firstValue(header), path + " " + header);
        }
      }
    }
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void onePortMeansOneListenerServingEverything(StoreKind kind) throws Exception {
    int port = io.heartgate.testsupport.FreePort.find();
    try (TestGateway gateway = TestGateway.start(kind.freshStore(tempDir), "--port", String.valueOf(port),
        "--heartbeat-port", String.valueOf(port))) {
      assertEquals(200, TestGateway.get(URI.create("http://127.0.0.1:" + port + "/health/ready")).statusCode());
    }
  }

  // Today: on SQLite the readiness check's query waited for the store's one writing connection, so a write waiting
  // for the file (held by another process, up to the 5 s busy timeout) made the node not ready after 2 s, and a load
  // balancer took its config downloads away too. The check now reads through the reading connection, which
  // write-ahead logging lets read while a write waits.
  @Test
  void aWriteWaitingForTheSqliteFileLeavesTheNodeReady() throws Exception {
    DatabaseUrl.Sqlite url = (DatabaseUrl.Sqlite) StoreKind.SQLITE.freshStore(tempDir);
    try (TestGateway gateway = TestGateway.start(url)) {
      Credentials owner = Team.create(gateway).session("owner");
      int checks = WaitingSqliteWrite.checksWhileWaiting(gateway, owner, url, () -> {
        HttpResponse<String> ready = TestGateway.get(gateway.api("/health/ready"));
        assertEquals(200, ready.statusCode(), "ready while a write waits: " + ready.body());
      });
      assertTrue(checks > 1, "checked while the write waited: " + checks);
    }
  }
}
