package io.heartgate.http;

import io.heartgate.core.Unavailable;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayDeque;
import java.util.function.Supplier;

/**
 * At most so many requests of one kind at work on the node at once, every event loop together, because each holds
 * memory the heap cannot spare many times over (a page of large agents, a config's TOML and its JSON, a listing).
 * One more waits its turn, first come first served, if fewer than {@code maxWaiting} wait already and for
 * {@value #WAIT_MS} ms at most; otherwise it is 503 {@code busy} at once. A request keeps its place until its work
 * has completed and, for {@link #answer}, its answer has been written (or its client has gone), so that clients
 * that ask and hang up, or ask and do not read, cannot pass the limit. A waiting request holds only itself.
 */
public final class InFlightLimit {
  static final long WAIT_MS = 10_000;
  private final int limit;
  private final int maxWaiting;
  private final Unavailable busy;
  /** Guarded by this. */
  private int running;
  /** Guarded by this. */
  private final ArrayDeque<Waiter> waiting = new ArrayDeque<>();

  private record Waiter(Context context, Promise<Void> turn) {
  }

  /**
   * @param maxWaiting 0 to refuse at once whatever finds the limit reached
   * @param busy the sentence of the 503, e.g. "Too many large pages of agents are being built; try again"
   */
  public InFlightLimit(int limit, int maxWaiting, String busy) {
    this.limit = limit;
    this.maxWaiting = maxWaiting;
    this.busy = new Unavailable("busy", busy);
  }

  /** One for every {@code bytesEach} of the heap, from {@code min} to {@code max}. */
  public static int ofHeap(long bytesEach, int min, int max) {
    return (int) Math.max(min, Math.min(max, Runtime.getRuntime().maxMemory() / bytesEach));
  }

  /** Runs the work in its turn; its place is given back when the work's Future completes. */
  public <T> Future<T> run(Supplier<Future<T>> work) {
    return enter().compose(entered -> {
      Future<T> running;
      try {
        running = work.get();
      } catch (RuntimeException e) {
        leave();
        return Future.failedFuture(e);
      }
      return running.onComplete(done -> leave());
    });
  }

  /**
   * Builds the request's answer in its turn and writes it (200); its place is given back once the answer has been
   * written or could not be. A failure fails the request.
   */
  public void answer(RoutingContext ctx, Supplier<Future<JsonObject>> build) {
    enter().onFailure(ctx::fail).onSuccess(entered -> {
      Future<JsonObject> built;
      try {
        built = ctx.response().closed() ? Future.failedFuture(busy) : build.get();
      } catch (RuntimeException e) {
        built = Future.failedFuture(e);
      }
      built.onComplete(json -> {
        if (json.failed()) {
          leave();
          ctx.fail(json.cause());
        } else {
          Responses.json(ctx, 200, json.result()).onComplete(written -> leave());
        }
      });
    });
  }

  private Future<Void> enter() {
    Context context = Vertx.currentContext();
    Waiter waiter;
    synchronized (this) {
      if (running < limit) {
        running++;
        return Future.succeededFuture();
      }
      if (waiting.size() >= maxWaiting || context == null) {
        return Future.failedFuture(busy);
      }
      waiter = new Waiter(context, Promise.promise());
      waiting.add(waiter);
    }
    long timer = context.owner().setTimer(WAIT_MS, fired -> {
      boolean stillWaiting;
      synchronized (this) {
        stillWaiting = waiting.remove(waiter);
      }
      if (stillWaiting) {
        waiter.turn.fail(busy);
      }
    });
    return waiter.turn.future().onSuccess(entered -> context.owner().cancelTimer(timer));
  }

  /** The place passes to the first waiting request, on its own event loop, or is free. */
  private void leave() {
    Waiter next;
    synchronized (this) {
      next = waiting.poll();
      if (next == null) {
        running--;
        return;
      }
    }
    next.context.runOnContext(ignored -> next.turn.complete());
  }
}
