package io.heartgate.http;

import io.heartgate.core.Check;
import io.heartgate.core.Invalid;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.function.Function;

/**
 * What a request asks of a listing that pages: {@code ?limit=} items at most (1 to {@value #MAX_LIMIT}, {@value
 * #DEFAULT_LIMIT} when absent) after {@code ?cursor=} (a page's {@code nextCursor}; empty or absent: the first page),
 * each given once at most: two are a 400, since which one counts would be a guess.
 *
 * @param cursor null for the first page
 */
public record PageRequest(int limit, String cursor) {
  static final int DEFAULT_LIMIT = 100;
  static final int MAX_LIMIT = 1000;

  public static PageRequest of(RoutingContext ctx) {
    String cursor = once(ctx, "cursor");
    return new PageRequest(Check.limit("limit", once(ctx, "limit"), DEFAULT_LIMIT, MAX_LIMIT),
        cursor == null || cursor.isEmpty() ? null : cursor);
  }

  /** Whether the request asks for a page ({@code limit} or {@code cursor}), where a listing is whole otherwise. */
  static boolean asked(RoutingContext ctx) {
    return ctx.queryParams().contains("limit") || ctx.queryParams().contains("cursor");
  }

  /** The key the cursor stands for, read by {@code decode}; null for the first page. */
  public <C> C after(Function<String, C> decode) {
    return cursor == null ? null : decode.apply(cursor);
  }

  private static String once(RoutingContext ctx, String name) {
    List<String> given = ctx.queryParams().getAll(name);
    if (given.size() > 1) {
      throw new Invalid(name, name + " is given more than once");
    }
    return given.isEmpty() ? null : given.get(0);
  }
}
