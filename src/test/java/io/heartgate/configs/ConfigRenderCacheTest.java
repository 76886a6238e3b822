package io.heartgate.configs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.heartgate.settings.DatabaseUrl;
import io.heartgate.testsupport.Credentials;
import io.heartgate.testsupport.Poll;
import io.heartgate.testsupport.Reply;
import io.heartgate.testsupport.Scrape;
import io.heartgate.testsupport.StoreKind;
import io.heartgate.testsupport.Team;
import io.heartgate.testsupport.TestGateway;
import io.heartgate.testsupport.TestPostgres;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Downloads under a storm: every change (a TOML edit, a rollback, a constant's value, an alias, a delete) is served
 * to the very next download after the API call returned, on this node and on another node of the same PostgreSQL,
 * while agents keep fetching; a download while the store is down is 503, never a cached document; and a storm of
 * downloads with distinct {@code agent_id} costs far fewer reads of the store than downloads.
 */
class ConfigRenderCacheTest {
  private static final String TOML = "[agent]\n  hostname = \"&{agent_id}\"\n[[outputs.http]]\n"
      + "  url = \"::{endpoint}\"\n";
  private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @TempDir
  Path tempDir;
  private final List<TestGateway> nodes = new ArrayList<>();
  private Credentials owner;
  private String agent;
  private Credentials prometheus;

  @AfterEach
  void stop() {
    nodes.forEach(TestGateway::close);
  }

  private TestGateway node(DatabaseUrl store) throws Exception {
    TestGateway node = TestGateway.start(store);
    nodes.add(node);
    return node;
  }

  private void team(TestGateway node) {
    Team team = Team.create(node);
    owner = team.session("owner");
    agent = "Token " + team.token(owner, "fleet", List.of("configs:read", "config-groups:read")).getString("token");
    prometheus = Credentials.bearer(team.token(owner, "prometheus", new JsonArray(List.of("metrics:read")))
        .getString("token"));
  }

  private static JsonObject ok(int status, Reply reply) {
    assertEquals(status, reply.status(), reply.toString());
    return reply.body().isEmpty() ? new JsonObject() : reply.json();
  }

  private HttpResponse<String> download(TestGateway node, String path, String method) {
    return TestGateway.send(HttpRequest.newBuilder(node.api(path)).header("Authorization", agent)
        .method(method, HttpRequest.BodyPublishers.noBody()).build());
  }

  private String body(TestGateway node, String path) {
    HttpResponse<String> got = download(node, path, "GET");
    assertEquals(200, got.statusCode(), path + ": " + got.body());
    return got.body();
  }

  /** Agents fetching the paths with ever new agent ids from a few threads until closed; any failure is kept. */
  private final class Storm implements AutoCloseable {
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicInteger served = new AtomicInteger();
    private final AtomicReference<String> failure = new AtomicReference<>();
    private final List<Thread> threads = new ArrayList<>();

    Storm(TestGateway node, List<String> paths) {
      for (int t = 0; t < 4; t++) {
        int thread = t;
        Thread worker = new Thread(() -> {
          for (int i = 0; running.get(); i++) {
            String path = paths.get(i % paths.size()) + "?agent_id=storm-" + thread + "-" + i;
            int status = download(node, path, i % 2 == 0 ? "GET" : "HEAD").statusCode();
            // A deleted config is 404: the storm goes on past it.
            if (status != 200 && status != 404) {
              failure.compareAndSet(null, path + " answered " + status);
            }
            served.incrementAndGet();
          }
        }, "storm-" + t);
        worker.setDaemon(true);
        worker.start();
        threads.add(worker);
      }
    }

    /** Waits until the storm is under way. */
    Storm started() {
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (served.get() < 20) {
        assertTrue(System.nanoTime() < deadline, "the storm runs");
        Thread.onSpinWait();
      }
      return this;
    }

    @Override
    public void close() throws InterruptedException {
      running.set(false);
      for (Thread thread : threads) {
        thread.join();
      }
      assertEquals(null, failure.get());
    }
  }

  /** Each change made through {@code writer} is served by {@code reader} at its very next download. */
  private void everyChangeIsServedAtTheNextDownload(TestGateway writer, TestGateway reader) throws Exception {
    JsonObject endpoint = ok(201, writer.post("/api/constants", owner,
        new JsonObject().put("name", "endpoint").put("value", "http://one")));
    String id = ok(201, writer.post("/api/configs", owner, new JsonObject().put("name", "fleet")
        .put("alias", "fleet-a").put("toml", TOML))).getString("id");
    String group = ok(201, writer.post("/api/config-groups", owner, new JsonObject().put("name", "all")
        .put("configIds", new JsonArray().add(id)))).getString("id");
    String byId = Config.tomlPath(id);
    String groupPath = "/api/config-groups/" + group + "/toml";
    String fixed = "?agent_id=web-01";
    String cached = body(reader, byId + fixed);
    assertEquals(TOML.replace("&{agent_id}", "web-01").replace("::{endpoint}", "http://one"), cached);

    try (Storm storm = new Storm(reader, List.of(byId, "/api/configs/fleet-a/toml", "/c/fleet-a", groupPath))) {
      storm.started();
      String lastModified = download(reader, byId + fixed, "HEAD").headers().firstValue("Last-Modified")
          .orElseThrow();

      ok(200, writer.call("PATCH", "/api/configs/" + id, owner,
          new JsonObject().put("toml", TOML + "# edited\n")));
      assertTrue(body(reader, byId + fixed).endsWith("# edited\n"), "a TOML edit");
      assertNotEquals(lastModified, download(reader, byId + fixed, "HEAD").headers().firstValue("Last-Modified")
          .orElseThrow(), "HEAD sees it too");
      assertTrue(body(reader, groupPath + fixed).endsWith("# edited\n"), "a group serves its member's edit");

      ok(201, writer.post("/api/configs/" + id + "/versions/1/rollback", owner, null));
      assertEquals(cached, body(reader, byId + fixed), "a rollback");

      ok(200, writer.call("PATCH", "/api/constants/" + endpoint.getString("id"), owner,
          new JsonObject().put("value", "http://two")));
      assertTrue(body(reader, byId + fixed).contains("http://two"), "a constant's value");
      assertTrue(body(reader, "/c/fleet-a" + fixed).contains("http://two"), "by the short link too");

      ok(200, writer.call("PATCH", "/api/configs/" + id, owner, new JsonObject().put("alias", "fleet-b")));
      assertEquals(404, download(reader, "/api/configs/fleet-a/toml" + fixed, "GET").statusCode(), "old alias");
      assertEquals(404, download(reader, "/c/fleet-a" + fixed, "GET").statusCode(), "old short link");
      assertTrue(body(reader, "/c/fleet-b" + fixed).contains("http://two"), "new alias");

      ok(204, writer.call("DELETE", "/api/config-groups/" + group, owner, null));
      assertEquals(404, download(reader, groupPath + fixed, "GET").statusCode(), "a deleted group");
      ok(204, writer.call("DELETE", "/api/configs/" + id, owner, null));
      assertEquals(404, download(reader, byId + fixed, "GET").statusCode(), "a deleted config");
      assertEquals(404, download(reader, byId + fixed, "HEAD").statusCode());
    }
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void everyChangeIsServedAtTheNextDownloadDuringAStorm(StoreKind kind) throws Exception {
    TestGateway node = node(kind.freshStore(tempDir));
    team(node);
    everyChangeIsServedAtTheNextDownload(node, node);
  }

  @Test
  void aChangeMadeOnOneNodeIsServedAtTheNextDownloadOnAnother() throws Exception {
    DatabaseUrl shared = TestPostgres.shared().newDatabase();
    TestGateway writer = node(shared);
    TestGateway reader = node(shared);
    team(writer);
    everyChangeIsServedAtTheNextDownload(writer, reader);
  }

  @Test
  void aDownloadWhileTheStoreIsDownIs503AndNeverACachedDocument() throws Exception {
    TestPostgres postgres = TestPostgres.startThrowaway();
    try {
      TestGateway node = node(postgres.newDatabase());
      team(node);
      ok(201, node.post("/api/constants", owner, new JsonObject().put("name", "endpoint").put("value", "http://a")));
      String path = Config.tomlPath(ok(201, node.post("/api/configs", owner, new JsonObject().put("name", "fleet")
          .put("toml", TOML))).getString("id")) + "?agent_id=web-01";
      assertEquals(200, download(node, path, "GET").statusCode(), "rendered and cached");

      postgres.stopServer();
      for (String method : List.of("GET", "HEAD", "GET")) {
        assertEquals(503, download(node, path, method).statusCode(), method);
      }
      postgres.startServer();
      Poll.until(Duration.ofSeconds(15), "downloads answer again", () ->
          download(node, path, "GET").statusCode() == 200);
    } finally {
      nodes.forEach(TestGateway::close);
      nodes.clear();
      postgres.destroy();
    }
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aStormOfDistinctAgentsCostsFarFewerStoreReadsThanDownloads(StoreKind kind) throws Exception {
    TestGateway node = node(kind.freshStore(tempDir));
    team(node);
    ok(201, node.post("/api/constants", owner, new JsonObject().put("name", "endpoint").put("value", "http://one")));
    String id = ok(201, node.post("/api/configs", owner, new JsonObject().put("name", "fleet").put("toml", TOML)))
        .getString("id");
    int agents = 500;
    Scrape before = scrape(node);
    storm(node, id, agents);
    Scrape between = scrape(node);
    double reads = delta(before, between, "heartgate_config_render_store_reads_total", "of", "config");
    assertTrue(reads >= 1 && reads <= agents / 5.0, agents + " downloads, " + reads + " reads of the store");
    assertEquals(agents, delta(before, between, "heartgate_config_render_cache_lookups_total", "result", "miss"));
    assertTrue(between.sum("heartgate_config_render_cache_bytes") > 0);

    storm(node, id, agents);
    assertEquals(agents, delta(between, scrape(node), "heartgate_config_render_cache_lookups_total", "result",
        "hit"), "the same agents again: every document is in the cache");
  }

  /** Downloads by {@code agents} distinct agents, all sent at once; each gets its own document. */
  private void storm(TestGateway node, String id, int agents) {
    List<CompletableFuture<HttpResponse<String>>> sent = new ArrayList<>();
    for (int i = 0; i < agents; i++) {
      URI uri = node.api(Config.tomlPath(id) + "?agent_id=agent-" + i);
      sent.add(CLIENT.sendAsync(HttpRequest.newBuilder(uri).header("Authorization", agent).GET().build(),
          HttpResponse.BodyHandlers.ofString()));
    }
    for (int i = 0; i < agents; i++) {
      HttpResponse<String> got = sent.get(i).join();
      assertEquals(200, got.statusCode(), got.body());
      assertTrue(got.body().contains("hostname = \"agent-" + i + "\""), got.body());
    }
  }

  private Scrape scrape(TestGateway node) {
    Reply scraped = node.get("/metrics", prometheus);
    assertEquals(200, scraped.status(), scraped.toString());
    return Scrape.parse(scraped.body());
  }

  private static double delta(Scrape before, Scrape after, String name, String... labels) {
    return after.sum(name, labels) - before.sum(name, labels);
  }
}
