package io.heartgate.http;

import io.heartgate.auth.Principal;
import io.heartgate.core.Unavailable;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * So much work of one kind at once on the node, every event loop together, because each holds memory the heap cannot
 * spare many times over (a page of large agents, a config's TOML and its JSON, a listing). The work is counted in
 * places: one each, or for {@link #answer} of a kind of answer, one per {@value #PLACE_BYTES} bytes of the kind's last
 * answer while it is built (a build holds about ten times its answer), at most half of them (all that one holder may
 * use, and what the first of a kind since the start takes). Work finding no room waits its turn, first come first
 * served, if fewer than {@code maxWaiting} wait already and for {@value #WAIT_MS} ms at most; otherwise it is 503
 * {@code busy} at once. Work keeps places until it has completed and, for an answer, until the answer has been written
 * (or its client has gone), so that clients that ask and hang up, or ask and do not read, cannot pass the limit: once
 * built, an answer waiting to be written keeps a tenth of its places, what its encoded bytes hold. A waiting request
 * holds only itself.
 *
 * <p>One holder (a token, else a user signed in, else a client address) uses at most half of the places and has at most
 * a tenth of the waiting requests: a viewer who asks for listings and reads them slowly would otherwise hold every
 * place until the idle timeout, again and again, and every other reader would wait 10 s for a 503. A request held back
 * by its holder's share does not hold back those of others behind it. Tokens are holders of their own, not their
 * user's: a fleet's tokens are often one user's, and one leaked agent token would otherwise take the share of every
 * other token of the fleet and of the user's own sessions.
 */
public final class InFlightLimit {
  static final long WAIT_MS = 10_000;
  /** The answer bytes one place stands for while the answer is built. */
  static final long PLACE_BYTES = 100 * 1024;
  /** The places a built answer keeps while it is written: one in ten, at least one. */
  private static final int WRITTEN_SHARE = 10;
  private final int places;
  private final int share;
  private final int maxWaiting;
  private final int maxWaitingEach;
  private final Unavailable busy;
  /** The size of the last answer of each kind, in bytes. */
  private final Map<String, Long> lastAnswer = new ConcurrentHashMap<>();
  /** Guarded by this. */
  private int used;
  /** Places in use by each holder. Guarded by this. */
  private final Map<String, Integer> usedBy = new HashMap<>();
  /** Requests waiting of each holder. Guarded by this. */
  private final Map<String, Integer> waitingOf = new HashMap<>();
  /** Guarded by this. */
  private final ArrayDeque<Waiter> waiting = new ArrayDeque<>();

  private record Waiter(Context context, String holder, int places, Promise<Void> turn) {
  }

  /**
   * @param maxWaiting 0 to refuse at once whatever finds no room
   * @param busy the sentence of the 503, e.g. "Too many large pages of agents are being built; try again"
   */
  public InFlightLimit(int places, int maxWaiting, String busy) {
    this.places = places;
    this.share = Math.max(1, places / 2);
    this.maxWaiting = maxWaiting;
    this.maxWaitingEach = maxWaiting == 0 ? 0 : Math.max(1, maxWaiting / 10);
    this.busy = new Unavailable("busy", busy);
  }

  /** One for every {@code bytesEach} of the heap, from {@code min} to {@code max}. */
  public static int ofHeap(long bytesEach, int min, int max) {
    return (int) Math.max(min, Math.min(max, Runtime.getRuntime().maxMemory() / bytesEach));
  }

  /** Runs the request's work in its turn, in one place, given back when the work's Future completes. */
  public <T> Future<T> run(RoutingContext ctx, Supplier<Future<T>> work) {
    String holder = holder(ctx);
    return enter(holder, 1).compose(entered -> {
      Future<T> running;
      try {
        running = work.get();
      } catch (RuntimeException e) {
        leave(holder, 1);
        return Future.failedFuture(e);
      }
      return running.onComplete(done -> leave(holder, 1));
    });
  }

  /**
   * Builds the request's answer in its turn and writes it (200); its places are given back once the answer has been
   * written or could not be. A failure fails the request.
   *
   * @param kind what answers of this kind have in common (a listing's name); null for one place, whatever the size
   */
  public void answer(RoutingContext ctx, String kind, Supplier<Future<JsonObject>> build) {
    String holder = holder(ctx);
    int taken = kind == null ? 1 : placesFor(lastAnswer.get(kind));
    enter(holder, taken).onFailure(ctx::fail).onSuccess(entered -> {
      Future<JsonObject> built;
      try {
        built = ctx.response().closed() ? Future.failedFuture(busy) : build.get();
      } catch (RuntimeException e) {
        built = Future.failedFuture(e);
      }
      built.onComplete(json -> {
        if (json.failed()) {
          leave(holder, taken);
          ctx.fail(json.cause());
          return;
        }
        Future<Void> writing = Responses.json(ctx, 200, json.result());
        int kept = (taken + WRITTEN_SHARE - 1) / WRITTEN_SHARE;
        leave(holder, taken - kept);
        writing.onComplete(written -> {
          if (kind != null && written.succeeded() && !AnswerDeadlines.answeredLate(ctx)) {
            lastAnswer.put(kind, ctx.response().bytesWritten());
          }
          leave(holder, kept);
        });
      });
    });
  }

  /** Whose share the request counts in: its token's, else its signed-in user's, else its client address's. */
  private static String holder(RoutingContext ctx) {
    Principal principal = Authenticator.principal(ctx);
    return principal != null && !principal.isAnonymous() ? principal.actorType() + " " + principal.actorId()
        : "address " + RequestOrigin.of(ctx).address();
  }

  /**
   * Half of the places at most, a holder's share: an answer asking for them all (the first of its kind since the
   * start) would wait until every listing written a page at a time had ended, and hold up every request behind it.
   */
  private int placesFor(Long bytes) {
    return bytes == null ? share : (int) Math.max(1, Math.min(share, (bytes + PLACE_BYTES - 1) / PLACE_BYTES));
  }

  Future<Void> enter(String holder, int wanted) {
    Context context = Vertx.currentContext();
    Waiter waiter;
    synchronized (this) {
      if (used + wanted <= places && withinShare(holder, wanted) && nobodyWaitsForRoom()) {
        take(holder, wanted);
        return Future.succeededFuture();
      }
      if (waiting.size() >= maxWaiting || waitingOf.getOrDefault(holder, 0) >= maxWaitingEach || context == null) {
        return Future.failedFuture(busy);
      }
      waiter = new Waiter(context, holder, wanted, Promise.promise());
      waiting.add(waiter);
      waitingOf.merge(holder, 1, Integer::sum);
    }
    long timer = context.owner().setTimer(WAIT_MS, fired -> {
      boolean stillWaiting;
      synchronized (this) {
        stillWaiting = waiting.remove(waiter);
        if (stillWaiting) {
          waitingOf.merge(waiter.holder, -1, InFlightLimit::sumOrNone);
        }
      }
      if (stillWaiting) {
        waiter.turn.fail(busy);
        admitWaiting();
      }
    });
    return waiter.turn.future().onSuccess(entered -> context.owner().cancelTimer(timer));
  }

  void leave(String holder, int taken) {
    synchronized (this) {
      used -= taken;
      usedBy.merge(holder, -taken, InFlightLimit::sumOrNone);
    }
    admitWaiting();
  }

  private boolean withinShare(String holder, int wanted) {
    return usedBy.getOrDefault(holder, 0) + wanted <= share;
  }

  /** No waiting request is held back by the room left rather than by its holder's share. */
  private boolean nobodyWaitsForRoom() {
    for (Waiter waiter : waiting) {
      if (withinShare(waiter.holder, waiter.places)) {
        return false;
      }
    }
    return true;
  }

  private void take(String holder, int wanted) {
    used += wanted;
    usedBy.merge(holder, wanted, Integer::sum);
  }

  private static Integer sumOrNone(int a, int b) {
    return a + b == 0 ? null : a + b;
  }

  /**
   * The waiting requests that fit now get their turn, each on its own event loop, in their order: those held back
   * by their holder's share are passed over, and the first held back by the room left stops the others behind it.
   */
  private void admitWaiting() {
    List<Waiter> admitted = new ArrayList<>();
    synchronized (this) {
      Iterator<Waiter> each = waiting.iterator();
      while (each.hasNext()) {
        Waiter next = each.next();
        if (!withinShare(next.holder, next.places)) {
          continue;
        }
        if (used + next.places > places) {
          break;
        }
        each.remove();
        waitingOf.merge(next.holder, -1, InFlightLimit::sumOrNone);
        take(next.holder, next.places);
        admitted.add(next);
      }
    }
    admitted.forEach(waiter -> waiter.context.runOnContext(ignored -> waiter.turn.complete()));
  }
}
