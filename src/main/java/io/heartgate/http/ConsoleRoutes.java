package io.heartgate.http;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The operator console: static pages, ES modules and styles from the jar ({@code console/}, and the stylesheet's
 * WebJar), served on the API listener. The pages call the same JSON API as scripts do; nothing here reads or
 * changes state.
 */
public final class ConsoleRoutes implements Routes {
  static final String PATH = "/console/";
  /**
   * The console shows token values: nothing but its own scripts may run, nothing may frame it, and it may talk to
   * no other host. No inline script or style is allowed, so an injected fragment can do nothing.
   */
  static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; "
      + "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

  @Override
  public void mount(Router router) {
    router.get("/").handler(ConsoleRoutes::toConsole);
    // Every console answer carries the policy (on a script or stylesheet it is harmless, on a page it is vital).
    // No max-age: after an upgrade the browser must not run last version's modules against this version's API.
    router.route(PATH + "*").handler(PagePolicy.of(CONTENT_SECURITY_POLICY))
        .handler(ctx -> {
          ctx.response().putHeader(HttpHeaders.CACHE_CONTROL, "no-cache");
          ctx.next();
        })
        .handler(StaticFiles.HEAD_TYPE)
        .handler(StaticFiles.from("console").setCachingEnabled(false));
    // The stylesheet's path carries its version, so the browser may keep it. Only its WebJar: the others in the jar
    // (Swagger UI's, with a demo page of its own) are not the console's to serve.
    router.route("/webjars/picocss__pico/*").handler(StaticFiles.HEAD_TYPE)
        .handler(StaticFiles.from("META-INF/resources/webjars/picocss__pico"));
  }

  private static void toConsole(RoutingContext ctx) {
    Responses.whole(ctx.response().setStatusCode(302).putHeader(HttpHeaders.LOCATION, PATH), Buffer.buffer());
  }
}
