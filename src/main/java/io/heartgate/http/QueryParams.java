package io.heartgate.http;

import io.vertx.core.MultiMap;
import io.vertx.ext.web.RoutingContext;

/**
 * A request's query parameters, read by one rule for every route under /api/: only {@code &} separates them, as on
 * a config's download and in HTML forms, so a literal {@code ;} is part of a value (Vert.x Web's own reading, and
 * {@code request().params()}, split at it too: use neither). Names are matched whatever their case. Read once per
 * request: Vert.x keeps one reading per request, and the router's own, made when it matches a route with path
 * parameters, would replace it.
 */
public final class QueryParams {
  private static final String READ = QueryParams.class.getName();

  private QueryParams() {
  }

  public static MultiMap of(RoutingContext ctx) {
    MultiMap params = ctx.get(READ);
    if (params == null) {
      params = ctx.request().params(true);
      ctx.put(READ, params);
    }
    return params;
  }
}
