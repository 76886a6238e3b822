package io.heartgate.http;

import io.heartgate.core.Check;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Function;

/**
 * What a request asks of a listing that pages: {@code ?limit=} items at most (1 to {@value #MAX_LIMIT}, {@value
 * #DEFAULT_LIMIT} when absent) after {@code ?cursor=} (a page's {@code nextCursor}; empty or absent: the first page),
 * each given once at most (see the router).
 *
 * @param cursor null for the first page
 */
public record PageRequest(int limit, String cursor) {
  static final int DEFAULT_LIMIT = 100;
  static final int MAX_LIMIT = 1000;

  public static PageRequest of(RoutingContext ctx) {
    String cursor = QueryParams.of(ctx).get("cursor");
    return new PageRequest(Check.limit("limit", QueryParams.of(ctx).get("limit"), DEFAULT_LIMIT, MAX_LIMIT),
        cursor == null || cursor.isEmpty() ? null : cursor);
  }

  /** Whether the request asks for a page ({@code limit} or {@code cursor}), where a listing is whole otherwise. */
  static boolean asked(RoutingContext ctx) {
    return QueryParams.of(ctx).contains("limit") || QueryParams.of(ctx).contains("cursor");
  }

  /** The key the cursor stands for, read by {@code decode}; null for the first page. */
  public <C> C after(Function<String, C> decode) {
    return cursor == null ? null : decode.apply(cursor);
  }
}
