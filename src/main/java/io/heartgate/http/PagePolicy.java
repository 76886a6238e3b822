package io.heartgate.http;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/**
 * The headers of every answer of a browser page the gateway serves (the console, the API reference): its
 * Content-Security-Policy, no framing by any site, no referrer sent elsewhere.
 */
final class PagePolicy {
  private PagePolicy() {
  }

  /** Sets the headers with the policy, then the next handler. */
  static Handler<RoutingContext> of(String contentSecurityPolicy) {
    return ctx -> {
      ctx.response()
          .putHeader("Content-Security-Policy", contentSecurityPolicy)
          .putHeader("X-Frame-Options", "DENY")
          .putHeader("Referrer-Policy", "no-referrer");
      ctx.next();
    };
  }
}
