package io.heartgate.http;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/** {@code GET /health/live} and {@code GET /health/ready}, served on both listeners without authentication. */
public final class HealthRoutes {
  private final Readiness readiness;

  public HealthRoutes(Readiness readiness) {
    this.readiness = readiness;
  }

  public void mount(Router router) {
    router.get("/health/live").handler(this::live);
    router.get("/health/ready").handler(this::ready);
  }

  private void live(RoutingContext ctx) {
    Responses.json(ctx, 200, new JsonObject().put("status", "ok"));
  }

  private void ready(RoutingContext ctx) {
    readiness.check()
        .onSuccess(ignored -> Responses.json(ctx, 200, new JsonObject().put("ready", true)))
        .onFailure(e -> {
          ctx.response().putHeader(HttpHeaders.RETRY_AFTER, String.valueOf(ErrorResponder.RETRY_AFTER_SECONDS));
          Responses.json(ctx, 503, new JsonObject().put("ready", false).put("error", "not_ready").put("message",
              "Not ready: " + e.getMessage()));
        });
  }
}
