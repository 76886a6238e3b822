package io.heartgate.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.heartgate.settings.DatabaseUrl;
import io.heartgate.testsupport.TestGateway;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * How the console is served (no browser needed): where it lives, the policy on its pages, its stylesheet from the
 * jar; and, read from its sources, that it keeps the rules the policy cannot check alone.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleServingTest {
  private static final String POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' "
      + "data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";
  private static final Path SOURCES = Path.of("src", "main", "resources", "console");

  @TempDir
  static Path tempDir;
  private TestGateway gateway;

  @BeforeAll
  void start() throws Exception {
    gateway = TestGateway.start(new DatabaseUrl.Sqlite(tempDir.resolve("heartgate.db")));
  }

  @AfterAll
  void stop() {
    gateway.close();
  }

  @Test
  void theApiListenerRootLeadsToTheConsole() {
    HttpResponse<String> root = TestGateway.get(gateway.api("/"));
    assertEquals(302, root.statusCode());
    assertEquals("/console/", root.headers().firstValue("Location").orElse(null));
    HttpResponse<String> heartbeatRoot = TestGateway.get(gateway.heartbeatListener("/console/"));
    assertEquals(404, heartbeatRoot.statusCode(), "agents' listener serves no console");
  }

  @Test
  void everyPageCarriesTheStrictPolicy() {
    for (String path : new String[] {"/console/", "/console/index.html"}) {
      HttpResponse<String> page = TestGateway.get(gateway.api(path));
      assertEquals(200, page.statusCode(), path);
      assertTrue(page.headers().firstValue("Content-Type").orElse("").startsWith("text/html"), path);
      String policy = page.headers().firstValue("Content-Security-Policy").orElse("");
      assertEquals(POLICY, policy, path);
      assertFalse(policy.contains("unsafe"), policy);
      assertEquals("nosniff", page.headers().firstValue("X-Content-Type-Options").orElse(null));
      assertTrue(page.body().contains("<script type=\"module\" src=\"js/app.js\"></script>"), page.body());
    }
  }

  @Test
  void scriptsAndTheStylesheetComeFromTheJar() {
    HttpResponse<String> app = TestGateway.get(gateway.api("/console/js/app.js"));
    assertEquals(200, app.statusCode());
    assertTrue(app.headers().firstValue("Content-Type").orElse("").startsWith("text/javascript"));
    HttpResponse<String> pico = TestGateway.get(gateway.api("/webjars/picocss__pico/2.1.1/css/pico.min.css"));
    assertEquals(200, pico.statusCode());
    assertTrue(pico.body().contains("Pico CSS"));
    assertEquals(404, TestGateway.get(gateway.api("/console/../pom.xml")).statusCode());
  }

  /**
   * What the policy alone would not catch, or would catch only at run time: HTML built from strings, code built
   * from strings, inline scripts and styles, secrets kept in storage, anything loaded from another host.
   */
  @Test
  void theSourcesInsertValuesAsTextOnly() throws IOException {
    Pattern forbidden = Pattern.compile("innerHTML|outerHTML|insertAdjacentHTML|document\\.write|\\beval\\(|"
        + "new Function|setAttribute\\(\\s*'style'|localStorage|sessionStorage|https?://|<script>|style=");
    List<String> found = new ArrayList<>();
    List<Path> files;
    try (Stream<Path> walk = Files.walk(SOURCES)) {
      files = walk.filter(f -> f.toString().endsWith(".js") || f.toString().endsWith(".html")).toList();
    }
    assertTrue(files.size() > 10, "the console's sources are at " + SOURCES.toAbsolutePath());
    for (Path file : files) {
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      for (int i = 0; i < lines.size(); i++) {
        String line = lines.get(i);
        boolean commentOrGuard = line.strip().startsWith("//") || line.startsWith("const REFUSED");
        if (!commentOrGuard && forbidden.matcher(line).find()) {
          found.add(file + ":" + (i + 1) + ": " + line.strip());
        }
      }
    }
    assertTrue(found.isEmpty(), String.join("\n", found));
  }
}
