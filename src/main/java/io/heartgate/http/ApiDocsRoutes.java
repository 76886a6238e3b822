package io.heartgate.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Set;

/**
 * The API's description, public: {@code GET /api/openapi.yaml} (the hand-written source), {@code GET
 * /api/openapi.json} (the same document converted once, at start) and a reference page at {@code GET /api/docs}
 * (Swagger UI from its WebJar, started by a script of ours, under a strict policy).
 */
public final class ApiDocsRoutes implements Routes {
  static final String DOCUMENT = "openapi/openapi.yaml";
  private static final String SWAGGER_UI_PATH = "/api/docs/swagger-ui/";
  /** The WebJar's folder; the version is the pom's {@code swagger-ui.version}. */
  static final String SWAGGER_UI = "META-INF/resources/webjars/swagger-ui/5.35.0";
  /** The WebJar files the page loads; nothing else of it is served (not its index.html, not its initializer). */
  private static final Set<String> SWAGGER_UI_FILES = Set.of("swagger-ui-bundle.js", "swagger-ui.css",
      "favicon-32x32.png", "favicon-16x16.png");
  /**
   * Scripts only from the gateway, none inline or evaluated; styles only from the gateway too: Swagger UI sets its
   * inline styles through the DOM, which a policy does not block, so it needs no {@code 'unsafe-inline'}. Its
   * stylesheet draws icons from {@code data:} images. It fetches the document and tries requests on this origin.
   */
  static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
      + "img-src 'self' data:; font-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; "
      + "form-action 'none'";

  private final Buffer yaml;
  private final Buffer json;
  private final Buffer page;

  /** Reads the document and converts it; a document that does not parse stops the node from starting. */
  public ApiDocsRoutes() {
    byte[] source = resource(DOCUMENT);
    try {
      JsonNode tree = new YAMLMapper().readTree(source);
      this.json = Buffer.buffer(new JsonMapper().writeValueAsBytes(tree));
    } catch (IOException e) {
      throw new UncheckedIOException("the OpenAPI document " + DOCUMENT + " is not valid YAML", e);
    }
    this.yaml = Buffer.buffer(source);
    this.page = Buffer.buffer(resource("apidocs/index.html"));
  }

  @Override
  public void mount(Router router) {
    Handler<RoutingContext> policy = PagePolicy.of(CONTENT_SECURITY_POLICY);
    router.get("/api/openapi.json").handler(ctx -> send(ctx, "application/json", json));
    router.get("/api/openapi.yaml").handler(ctx -> send(ctx, "application/yaml; charset=utf-8", yaml));
    router.get("/api/docs").handler(policy)
        .handler(ctx -> send(ctx, "text/html; charset=utf-8", page));
    router.get("/api/docs/assets/*").handler(policy).handler(StaticFiles.HEAD_TYPE)
        .handler(StaticFiles.from("apidocs").setCachingEnabled(false));
    router.get(SWAGGER_UI_PATH + "*").handler(ApiDocsRoutes::onlyThePagesFiles).handler(policy)
        .handler(StaticFiles.HEAD_TYPE)
        .handler(StaticFiles.from(SWAGGER_UI).setCachingEnabled(false));
  }

  private static void send(RoutingContext ctx, String contentType, Buffer body) {
    Responses.whole(ctx.response().setStatusCode(200).putHeader(HttpHeaders.CONTENT_TYPE, contentType), body);
  }

  private static void onlyThePagesFiles(RoutingContext ctx) {
    String path = ctx.normalizedPath();
    if (!path.startsWith(SWAGGER_UI_PATH) || !SWAGGER_UI_FILES.contains(path.substring(SWAGGER_UI_PATH.length()))) {
      ctx.fail(404);
      return;
    }
    ctx.next();
  }

  private static byte[] resource(String name) {
    try (InputStream in = ApiDocsRoutes.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("the resource " + name + " is missing from the jar");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
