package io.heartgate.console;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.heartgate.testsupport.FreePort;
import io.heartgate.testsupport.NodeProcess;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console's and the API docs' files, asked for many at a time, each come whole. Today (a helper's probe): with
 * Vert.x's file cache turned off, every request copied the file from the class path to a temporary folder again,
 * and parallel requests read one another's half-written copies: truncated 200s, 404s and 500s, and a console that
 * did not load in two of eight tries. A node of its own, started as the jar starts it (Main), not in this JVM.
 */
class StaticFilesInParallelTest {
  private static final List<String> FILES = List.of("/console/js/pages/agents.js", "/console/js/bulk.js",
      "/console/console.css", "/api/docs/swagger-ui/swagger-ui-bundle.js");
  private static final int AT_ONCE = 24;

  @TempDir
  Path tempDir;

  @Test
  void filesAskedForInParallelComeWhole() throws Exception {
    int port = FreePort.find();
    try (NodeProcess node = NodeProcess.start(tempDir, List.of("-Xmx256m"), "--host", "127.0.0.1", "--port",
        String.valueOf(port), "--heartbeat-port", String.valueOf(port))) {
      node.awaitReady(port, Duration.ofSeconds(30));
      HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
      for (int round = 0; round < 3; round++) {
        for (String file : FILES) {
          byte[] expected = resource(file);
          URI uri = URI.create("http://127.0.0.1:" + port + file);
          List<CompletableFuture<HttpResponse<byte[]>>> answers = IntStream.range(0, AT_ONCE)
              .mapToObj(i -> client.sendAsync(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).build(),
                  HttpResponse.BodyHandlers.ofByteArray()))
              .toList();
          for (CompletableFuture<HttpResponse<byte[]>> answer : answers) {
            HttpResponse<byte[]> response = answer.join();
            assertEquals(200, response.statusCode(), file + " in round " + round);
            assertArrayEquals(expected, response.body(), file + " whole in round " + round + ": "
                + response.body().length + " of " + expected.length + " bytes");
          }
        }
      }
      node.assertAlive("after the parallel requests");
    }
  }

  /** The file as the jar holds it. */
  private static byte[] resource(String path) {
    String name = path.startsWith("/console/") ? path.substring(1)
        : "META-INF/resources/webjars/swagger-ui/5.35.0/" + path.substring("/api/docs/swagger-ui/".length());
    try (InputStream in = StaticFilesInParallelTest.class.getClassLoader().getResourceAsStream(name)) {
      assertNotNull(in, name);
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
