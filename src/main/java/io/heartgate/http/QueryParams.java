package io.heartgate.http;

import io.vertx.core.MultiMap;
import io.vertx.ext.web.RoutingContext;

/**
 * A request's query parameters, read by one rule for every route under /api/: only {@code &} separates them, as on
 * a config's download and in HTML forms, so a literal {@code ;} is part of a value (Vert.x Web's own reading splits
 * at it too). Names are matched whatever their case.
 */
public final class QueryParams {
  private QueryParams() {
  }

  public static MultiMap of(RoutingContext ctx) {
    return ctx.request().params(true);
  }
}
