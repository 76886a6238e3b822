package io.heartgate.http;

import io.heartgate.core.Unavailable;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The requests of one router verticle that wait for their answer. The idle timeout closes a connection on which
 * nothing was read or written for that long, and a request waiting for a slow store is such a connection: its client
 * got no answer, nothing told a slow store from a broken network, and neither the access log nor the meters saw the
 * request. So a request still unanswered 2 s before the idle timeout (counted from its start or, once its body is
 * being read, from the end of its body) is answered 503 with Retry-After, saying that what it asked for may still be
 * done; its late answer is then dropped (see {@link Responses#answered}), and its body's room in the budget kept
 * until then. A listing whose first page was written is left alone: its writes keep the connection alive. One
 * periodic check twice a second per event loop, as for the bodies ({@link BodyDeadlines}), no timer per request.
 * Used on its event loop only.
 */
final class AnswerDeadlines {
  private static final long CHECK_MS = 500;
  /** Before the idle timeout: a body is seen whole up to a check late, and the deadline met up to a check late. */
  private static final long MARGIN_MS = 2_000;
  private static final String LATE = AnswerDeadlines.class.getName();
  private static final Unavailable TOO_LATE = new Unavailable("unavailable",
      "No answer could be given in time; what was asked for may still be done. Try again later");
  private final long limitNanos;
  /** Request → since when it waits (System.nanoTime): its start, or the last check that saw its body being read. */
  private final Map<RoutingContext, Long> waiting = new HashMap<>();

  AnswerDeadlines(Vertx vertx, int idleTimeoutSeconds) {
    this.limitNanos = TimeUnit.MILLISECONDS.toNanos(Math.max(1_000, idleTimeoutSeconds * 1000L - MARGIN_MS));
    vertx.setPeriodic(CHECK_MS, ignored -> answerLate());
  }

  /** Whether the request was answered 503 at its deadline, before its own answer came. */
  static boolean answeredLate(RoutingContext ctx) {
    return ctx.get(LATE) != null;
  }

  void started(RoutingContext ctx) {
    waiting.put(ctx, System.nanoTime());
  }

  /** When the request has ended, answered or its client gone. */
  void ended(RoutingContext ctx) {
    waiting.remove(ctx);
  }

  private void answerLate() {
    long now = System.nanoTime();
    List<RoutingContext> late = new ArrayList<>();
    for (Iterator<Map.Entry<RoutingContext, Long>> it = waiting.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<RoutingContext, Long> entry = it.next();
      RoutingContext ctx = entry.getKey();
      if (ctx.response().headWritten() || ctx.response().closed()) {
        it.remove();
      } else if (BodyBudget.reading(ctx)) {
        entry.setValue(now);  // its bytes keep the connection alive; the body timeout is its bound
      } else if (now - entry.getValue() >= limitNanos) {
        it.remove();
        late.add(ctx);
      }
    }
    for (RoutingContext ctx : late) {
      ctx.put(LATE, Boolean.TRUE);
      ErrorResponder.send(ctx.response(), TOO_LATE);
    }
  }
}
