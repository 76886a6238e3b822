package io.heartgate.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.heartgate.settings.DatabaseUrl;
import io.heartgate.testsupport.TestGateway;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * How the API description is served (no browser needed): the same document as YAML and JSON, without credentials
 * and without a server list; the reference page under its policy, with our initializer and none of the WebJar's
 * demo files.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiDocsTest {
  private static final Path SOURCE = Path.of("src", "main", "resources", "openapi", "openapi.yaml");

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
  void theDocumentIsServedAsYamlAndAsTheSameJson() throws Exception {
    HttpResponse<String> yaml = TestGateway.get(gateway.api("/api/openapi.yaml"));
    assertEquals(200, yaml.statusCode());
    assertEquals("application/yaml; charset=utf-8", yaml.headers().firstValue("Content-Type").orElse(null));
    assertEquals(Files.readString(SOURCE), yaml.body(), "the YAML is served as written");

    HttpResponse<String> json = TestGateway.get(gateway.api("/api/openapi.json"));
    assertEquals(200, json.statusCode());
    assertEquals("application/json", json.headers().firstValue("Content-Type").orElse(null));
    assertEquals("no-store", json.headers().firstValue("Cache-Control").orElse(null));
    JsonNode served = new JsonMapper().readTree(json.body());
    assertEquals(new YAMLMapper().readTree(yaml.body()), served, "the JSON is the YAML, converted");
    assertEquals("3.1.0", served.get("openapi").asText());
    assertFalse(served.has("servers"), "paths are relative to wherever the gateway is reached");
  }

  @Test
  void theReferencePageRunsOnlyTheGatewaysOwnScripts() {
    HttpResponse<String> page = TestGateway.get(gateway.api("/api/docs"));
    assertEquals(200, page.statusCode());
    assertEquals("text/html; charset=utf-8", page.headers().firstValue("Content-Type").orElse(null));
    String policy = page.headers().firstValue("Content-Security-Policy").orElse("");
    assertEquals(ApiDocsRoutes.CONTENT_SECURITY_POLICY, policy);
    assertTrue(policy.contains("script-src 'self';") && policy.contains("frame-ancestors 'none'"), policy);
    assertFalse(policy.contains("unsafe"), policy);
    assertTrue(page.body().contains("/api/docs/assets/initializer.js"), page.body());
    assertFalse(page.body().contains("swagger-initializer"), page.body());
    assertFalse(page.body().contains("http"), "nothing from another host: " + page.body());

    HttpResponse<String> initializer = TestGateway.get(gateway.api("/api/docs/assets/initializer.js"));
    assertEquals(200, initializer.statusCode());
    assertTrue(initializer.headers().firstValue("Content-Type").orElse("").contains("javascript"));
    assertTrue(initializer.body().contains("url: '/api/openapi.json'"), initializer.body());
    assertFalse(initializer.body().contains("http"), initializer.body());

    for (String asset : new String[] {"swagger-ui-bundle.js", "swagger-ui.css", "favicon-32x32.png"}) {
      HttpResponse<String> served = TestGateway.get(gateway.api("/api/docs/swagger-ui/" + asset));
      assertEquals(200, served.statusCode(), asset);
      assertEquals(ApiDocsRoutes.CONTENT_SECURITY_POLICY,
          served.headers().firstValue("Content-Security-Policy").orElse(null), asset);
    }
  }

  @Test
  void theWebJarsDemoFilesAreNotServed() {
    for (String path : new String[] {"/api/docs/swagger-ui/swagger-initializer.js", "/api/docs/swagger-ui/index.html",
        "/api/docs/swagger-ui/", "/api/docs/swagger-ui/../../../openapi/openapi.yaml",
        "/webjars/swagger-ui/5.35.0/index.html", "/webjars/swagger-ui/5.35.0/swagger-initializer.js"}) {
      HttpResponse<String> answer = TestGateway.get(gateway.api(path));
      assertEquals(404, answer.statusCode(), path + ": " + answer.body());
    }
    assertEquals(200, TestGateway.get(gateway.api("/webjars/picocss__pico/2.1.1/css/pico.min.css")).statusCode(),
        "the console's stylesheet is still served");
  }
}
