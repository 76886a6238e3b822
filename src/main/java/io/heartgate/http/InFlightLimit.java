package io.heartgate.http;

import io.heartgate.core.Unavailable;
import io.vertx.core.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * At most so many requests of one kind at work on the node at once, every event loop together; one more is 503
 * at once, never queued: each holds memory the heap cannot spare many times over (a page of large agents, a
 * config's TOML and its JSON). A request's place is given back when its work completes, not when its client
 * leaves, so clients that ask and hang up cannot pass the limit.
 */
public final class InFlightLimit {
  private final int limit;
  private final String busy;
  private final AtomicInteger inFlight = new AtomicInteger();

  /** @param busy the sentence of the 503, e.g. "Too many large pages of agents are being built; try again" */
  public InFlightLimit(int limit, String busy) {
    this.limit = limit;
    this.busy = busy;
  }

  /** Runs the work if there is room, failing with 503 {@code busy} otherwise. */
  public <T> Future<T> run(Supplier<Future<T>> work) {
    if (inFlight.incrementAndGet() > limit) {
      inFlight.decrementAndGet();
      return Future.failedFuture(new Unavailable("busy", busy));
    }
    Future<T> running;
    try {
      running = work.get();
    } catch (RuntimeException e) {
      inFlight.decrementAndGet();
      throw e;
    }
    return running.onComplete(done -> inFlight.decrementAndGet());
  }
}
