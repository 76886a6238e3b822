package io.heartgate.agents;

import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * The latest {@link SearchSample}, taken again when a search finds it older than {@link #MAX_AGE} by the clock. The
 * gateway takes the first as it starts; a search that finds none waits for one (35 ms at a million agents, where a
 * search for a common term without one takes 1-2 s). Later searches are served the one before while the next is
 * taken, and so is a search that arrives while the first is being taken, with {@link SearchSample#NONE} (the whole
 * term, through the index). A sample of no agents is not kept: the next search takes another. Thread-safe: the
 * routers of every event loop call it.
 */
final class SearchSamples {
  static final Duration MAX_AGE = Duration.ofMinutes(5);
  private static final Logger LOG = Logger.getLogger(SearchSamples.class.getName());

  private final Supplier<Future<SearchSample>> take;
  private final Clock clock;
  private final AtomicBoolean taking = new AtomicBoolean();
  private volatile Taken latest;

  /** @param take takes a sample of the store; at most one is in flight */
  SearchSamples(Supplier<Future<SearchSample>> take, Clock clock) {
    this.take = take;
    this.clock = clock;
  }

  /** The sample to plan a search with (a failed sample is taken again by the next search). */
  Future<SearchSample> current() {
    Taken taken = latest;
    long now = clock.millis();
    if ((taken == null || now - taken.at() >= MAX_AGE.toMillis()) && taking.compareAndSet(false, true)) {
      // Future.future fails the sample if take throws, so that taking is always set back.
      Future<SearchSample> next = Future.<SearchSample>future(promise -> take.get().onComplete(promise))
          .andThen(result -> {
            if (result.failed()) {
              LOG.warning("sampling the agents for searches failed (the next search tries again): "
                  + result.cause().getMessage());
            } else if (!result.result().texts().isEmpty()) {
              latest = new Taken(result.result(), now);
            }
            taking.set(false);
          });
      if (taken == null) {
        return next.otherwise(SearchSample.NONE);
      }
    }
    return Future.succeededFuture(taken == null ? SearchSample.NONE : taken.sample());
  }

  private record Taken(SearchSample sample, long at) {
  }
}
