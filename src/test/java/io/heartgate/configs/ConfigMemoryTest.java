package io.heartgate.configs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.heartgate.auth.TokenFormat;
import io.heartgate.testsupport.AtOnce;
import io.heartgate.testsupport.FreePort;
import io.heartgate.testsupport.NodeProcess;
import io.heartgate.testsupport.Team;
import io.heartgate.testsupport.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a caller with configs:read (an agent's token) can make a node compute stays within a small heap: documents
 * filled in beyond what a config may hold are refused before their copies are made, and version diffs of large
 * configs are worked out one at a time.
 */
class ConfigMemoryTest {
  @TempDir
  Path tempDir;

  private final String token = TokenFormat.generate();
  private int api;

  private NodeProcess startNode() {
    api = FreePort.find();
    NodeProcess node = NodeProcess.start(tempDir, List.of("-Xmx128m"), "--host", "127.0.0.1",
        "--port", String.valueOf(api), "--heartbeat-port", String.valueOf(api), "--owner-username", "owner",
        "--owner-password", Team.PASSWORD, "--owner-token", token);
    node.awaitReady(api, Duration.ofSeconds(30));
    return node;
  }

  /** Creates; the new object's id. */
  private String post(String path, JsonObject body) {
    HttpResponse<String> created = TestGateway.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api
        + path)).header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body.encode())).build());
    assertEquals(201, created.statusCode(), created.body());
    return new JsonObject(created.body()).getString("id");
  }

  /** A config whose two versions are {@code lines} lines of comment each, all different; its id. */
  private String configOfTwoVersions(int lines) {
    String id = post("/api/configs", new JsonObject().put("name", "large").put("toml", "#a\n".repeat(lines)));
    HttpResponse<String> changed = TestGateway.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api
            + "/api/configs/" + id)).header("Authorization", "Bearer " + token)
        .header("Content-Type", "application/json").method("PATCH", HttpRequest.BodyPublishers.ofString(
            new JsonObject().put("toml", "#b\n".repeat(lines)).encode())).build());
    assertEquals(200, changed.statusCode(), changed.body());
    return id;
  }

  private HttpResponse<String> get(String path) {
    return TestGateway.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api + path))
        .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(60)).GET().build());
  }

  @Test
  void ninetyThousandUsesOfALongParameterAreRefusedWithoutRunningOutOfMemory() throws Exception {
    try (NodeProcess node = startNode()) {
      StringBuilder toml = new StringBuilder();
      for (int line = 0; line < 90; line++) {
        toml.append("k").append(line).append(" = \"");
        for (int i = 0; i < 1_000; i++) {
          toml.append("&{p:").append(line * 1_000 + i).append('}');
        }
        toml.append("\"\n");
      }
      String id = post("/api/configs", new JsonObject().put("name", "uses").put("toml", toml.toString()));

      HttpResponse<String> filled = get("/api/configs/" + id + "/toml?p=" + "a".repeat(3_900));
      assertEquals(400, filled.statusCode(), filled.body());
      assertEquals("query", new JsonObject(filled.body()).getJsonObject("details").getString("field"));
      node.assertAlive("after the refusal");
    }
  }

  // Today (a second probe): a group's hundred members were all filled in before their size was added up, and six
  // such downloads at once ran the node out of memory.
  @Test
  void sixDownloadsOfAGroupFilledInBeyondTheLimitAreRefusedWithoutRunningOutOfMemory() throws Exception {
    try (NodeProcess node = startNode()) {
      JsonArray members = new JsonArray();
      for (int i = 0; i < 100; i++) {
        members.add(post("/api/configs", new JsonObject().put("name", "member-" + i)
            .put("toml", "k" + i + " = \"" + "&{p}".repeat(250) + "\"\n")));
      }
      String group = post("/api/config-groups", new JsonObject().put("name", "wide").put("configIds", members));
      List<Integer> statuses = IntStream.range(0, 6).parallel()
          .mapToObj(i -> get("/api/config-groups/" + group + "/toml?p=" + "a".repeat(3_890) + i).statusCode())
          .toList();
      assertEquals(List.of(400, 400, 400, 400, 400, 400), statuses);
      node.assertAlive("after six refusals at once");
    }
  }

  // Today (a second probe): a diff of two versions of 700 KB took about 50 MB, on the shared worker pool, and eight
  // at once ran the node out of memory.
  @Test
  void eightDiffsOfLargeVersionsAtOnceAreAnsweredWithoutRunningOutOfMemory() throws Exception {
    try (NodeProcess node = startNode()) {
      String id = configOfTwoVersions(235_000);
      List<Integer> statuses = IntStream.range(0, 8).parallel()
          .mapToObj(i -> get("/api/configs/" + id + "/versions/1/diff/2").statusCode()).toList();
      assertEquals(List.of(200, 200, 200, 200, 200, 200, 200, 200), statuses);
      node.assertAlive("after eight diffs at once");
    }
  }

  // Today (a fifth probe): each read of a config or a version held its TOML, its JSON and its answer while the event
  // loops worked through the others, and each diff waiting for the one diff thread held both versions: 300 reads of
  // a config of 1 MB at once, or 200 diffs, with an agent's token, ran a node of 256 MiB out of memory.
  @Test
  void hundredsOfReadsAndDiffsOfALargeConfigAtOnceAreAnsweredOrRefusedWithoutRunningOutOfMemory() throws Exception {
    try (NodeProcess node = startNode()) {
      String id = configOfTwoVersions(250_000);
      for (String path : new String[] {"/api/configs/" + id, "/api/configs/" + id + "/versions/1",
          "/api/configs/" + id + "/versions/1/diff/2"}) {
        Map<Integer, Long> statuses = AtOnce.statuses(300, () -> get(path).statusCode());
        node.assertAlive("after 300 of " + path + " at once");
        assertTrue(Set.of(200, 503).containsAll(statuses.keySet()), path + ": " + statuses);
        assertTrue(statuses.getOrDefault(200, 0L) > 0, path + ": " + statuses);
        assertEquals(200, get(path).statusCode(), "answered again afterwards: " + path);
      }
    }
  }

  // Today (a fourth probe): a parsed template was weighed at two bytes a character of its TOML, but a TOML of
  // placeholders holds an object and two strings for each: four such configs of 1 MiB, downloaded once each, ran
  // the node out of memory.
  @Test
  void fourConfigsOfPlaceholdersOnlyAreServedWithoutRunningOutOfMemory() throws Exception {
    try (NodeProcess node = startNode()) {
      for (int i = 0; i < 4; i++) {
        String id = post("/api/configs", new JsonObject().put("name", "placeholders-" + i)
            .put("toml", "x = \"" + "&{a}".repeat(261_000) + "\"\n"));
        HttpResponse<String> served = get("/api/configs/" + id + "/toml?a=x");
        assertEquals(200, served.statusCode(), "download " + i + ": " + served.body());
      }
      node.assertAlive("after four downloads");
    }
  }
}
