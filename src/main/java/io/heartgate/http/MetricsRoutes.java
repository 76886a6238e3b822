package io.heartgate.http;

import io.heartgate.metrics.GatewayMetrics;
import io.heartgate.settings.AuthGroup;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;

/**
 * {@code GET /metrics} on the API listener: every meter of the node in the Prometheus text format, for callers
 * with {@code metrics:read} (owner and administrator), or anyone when the {@code metrics} group is disabled.
 */
public final class MetricsRoutes implements Routes {
  public static final String PATH = "/metrics";
  private final GatewayMetrics metrics;
  private final Authenticator auth;

  public MetricsRoutes(GatewayMetrics metrics, Authenticator auth) {
    this.metrics = metrics;
    this.auth = auth;
  }

  @Override
  public void mount(Router router) {
    router.get(PATH).handler(auth.require(AuthGroup.METRICS, "metrics:read"))
        .handler(ctx -> metrics.scrape(ctx.vertx())
            .onSuccess(text -> {
              if (!Responses.answered(ctx)) {
                Responses.whole(ctx.response().setStatusCode(200)
                    .putHeader(HttpHeaders.CONTENT_TYPE, GatewayMetrics.CONTENT_TYPE), Buffer.buffer(text));
              }
            })
            .onFailure(ctx::fail));
  }
}
