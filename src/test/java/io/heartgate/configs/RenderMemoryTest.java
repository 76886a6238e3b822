package io.heartgate.configs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.heartgate.auth.TokenFormat;
import io.heartgate.testsupport.FreePort;
import io.heartgate.testsupport.NodeProcess;
import io.heartgate.testsupport.Team;
import io.heartgate.testsupport.TestGateway;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A document filled in beyond what a config may hold is refused before its copies are made, on a node whose heap
 * could not hold them (a second probe: each use with a default of its own was filled apart, and one download ran
 * the node out of memory).
 */
class RenderMemoryTest {
  @TempDir
  Path tempDir;

  @Test
  void ninetyThousandUsesOfALongParameterAreRefusedWithoutRunningOutOfMemory() throws Exception {
    int api = FreePort.find();
    String token = TokenFormat.generate();
    try (NodeProcess node = NodeProcess.start(tempDir, List.of("-Xmx128m"), "--host", "127.0.0.1",
        "--port", String.valueOf(api), "--heartbeat-port", String.valueOf(api), "--owner-username", "owner",
        "--owner-password", Team.PASSWORD, "--owner-token", token)) {
      node.awaitReady(api, Duration.ofSeconds(30));
      StringBuilder toml = new StringBuilder();
      for (int line = 0; line < 90; line++) {
        toml.append("k").append(line).append(" = \"");
        for (int i = 0; i < 1_000; i++) {
          toml.append("&{p:").append(line * 1_000 + i).append('}');
        }
        toml.append("\"\n");
      }
      HttpResponse<String> created = TestGateway.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api
              + "/api/configs")).header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("name", "uses")
              .put("toml", toml.toString()).encode())).build());
      assertEquals(201, created.statusCode(), created.body());
      String id = new JsonObject(created.body()).getString("id");

      HttpResponse<String> filled = TestGateway.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api
          + "/api/configs/" + id + "/toml?p=" + "a".repeat(3_900))).header("Authorization", "Bearer " + token)
          .timeout(Duration.ofSeconds(60)).GET().build());
      assertEquals(400, filled.statusCode(), filled.body());
      assertEquals("query", new JsonObject(filled.body()).getJsonObject("details").getString("field"));
      node.assertAlive("after the refusal");
    }
  }
}
