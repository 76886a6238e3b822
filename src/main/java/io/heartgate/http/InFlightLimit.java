package io.heartgate.http;

import io.heartgate.core.Unavailable;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * So much work of one kind at once on the node, every event loop together, because each holds memory the heap
 * cannot spare many times over (a page of large agents, a config's TOML and its JSON, a listing). The work is counted
 * in places: one each, or for {@link #answer} of a kind of answer, one per {@value #PLACE_BYTES} bytes of the
 * kind's last answer, all of them when no answer of the kind was measured yet (the first after a start runs alone).
 * Work finding no room waits its turn, first come first served, if fewer than {@code maxWaiting} wait already and for
 * {@value #WAIT_MS} ms at most; otherwise it is 503 {@code busy} at once. Work keeps its places until it has
 * completed and, for an answer, until the answer has been written (or its client has gone), so that clients that
 * ask and hang up, or ask and do not read, cannot pass the limit. A waiting request holds only itself.
 */
public final class InFlightLimit {
  static final long WAIT_MS = 10_000;
  /** The answer bytes one place stands for. */
  static final long PLACE_BYTES = 1024 * 1024;
  private final int places;
  private final int maxWaiting;
  private final Unavailable busy;
  /** The size of the last answer of each kind, in bytes. */
  private final Map<String, Long> lastAnswer = new ConcurrentHashMap<>();
  /** Guarded by this. */
  private int used;
  /** Guarded by this. */
  private final ArrayDeque<Waiter> waiting = new ArrayDeque<>();

  private record Waiter(Context context, int places, Promise<Void> turn) {
  }

  /**
   * @param maxWaiting 0 to refuse at once whatever finds no room
   * @param busy the sentence of the 503, e.g. "Too many large pages of agents are being built; try again"
   */
  public InFlightLimit(int places, int maxWaiting, String busy) {
    this.places = places;
    this.maxWaiting = maxWaiting;
    this.busy = new Unavailable("busy", busy);
  }

  /** One for every {@code bytesEach} of the heap, from {@code min} to {@code max}. */
  public static int ofHeap(long bytesEach, int min, int max) {
    return (int) Math.max(min, Math.min(max, Runtime.getRuntime().maxMemory() / bytesEach));
  }

  /** Runs the work in its turn, in one place, given back when the work's Future completes. */
  public <T> Future<T> run(Supplier<Future<T>> work) {
    return enter(1).compose(entered -> {
      Future<T> running;
      try {
        running = work.get();
      } catch (RuntimeException e) {
        leave(1);
        return Future.failedFuture(e);
      }
      return running.onComplete(done -> leave(1));
    });
  }

  /**
   * Builds the request's answer in its turn and writes it (200); its places are given back once the answer has been
   * written or could not be. A failure fails the request.
   *
   * @param kind what answers of this kind have in common (a listing's name); null for one place, whatever the size
   */
  public void answer(RoutingContext ctx, String kind, Supplier<Future<JsonObject>> build) {
    int taken = kind == null ? 1 : placesFor(lastAnswer.get(kind));
    enter(taken).onFailure(ctx::fail).onSuccess(entered -> {
      Future<JsonObject> built;
      try {
        built = ctx.response().closed() ? Future.failedFuture(busy) : build.get();
      } catch (RuntimeException e) {
        built = Future.failedFuture(e);
      }
      built.onComplete(json -> {
        if (json.failed()) {
          leave(taken);
          ctx.fail(json.cause());
          return;
        }
        Responses.json(ctx, 200, json.result()).onComplete(written -> {
          if (kind != null && written.succeeded()) {
            lastAnswer.put(kind, ctx.response().bytesWritten());
          }
          leave(taken);
        });
      });
    });
  }

  private int placesFor(Long bytes) {
    return bytes == null ? places : (int) Math.max(1, Math.min(places, (bytes + PLACE_BYTES - 1) / PLACE_BYTES));
  }

  private Future<Void> enter(int wanted) {
    Context context = Vertx.currentContext();
    Waiter waiter;
    synchronized (this) {
      if (waiting.isEmpty() && used + wanted <= places) {
        used += wanted;
        return Future.succeededFuture();
      }
      if (waiting.size() >= maxWaiting || context == null) {
        return Future.failedFuture(busy);
      }
      waiter = new Waiter(context, wanted, Promise.promise());
      waiting.add(waiter);
    }
    long timer = context.owner().setTimer(WAIT_MS, fired -> {
      boolean stillWaiting;
      synchronized (this) {
        stillWaiting = waiting.remove(waiter);
      }
      if (stillWaiting) {
        waiter.turn.fail(busy);
        admitWaiting();
      }
    });
    return waiter.turn.future().onSuccess(entered -> context.owner().cancelTimer(timer));
  }

  private void leave(int taken) {
    synchronized (this) {
      used -= taken;
    }
    admitWaiting();
  }

  /** The first waiting requests that fit now get their turn, each on its own event loop. */
  private void admitWaiting() {
    while (true) {
      Waiter next;
      synchronized (this) {
        next = waiting.peek();
        if (next == null || used + next.places > places) {
          return;
        }
        waiting.poll();
        used += next.places;
      }
      Waiter admitted = next;
      admitted.context.runOnContext(ignored -> admitted.turn.complete());
    }
  }
}
