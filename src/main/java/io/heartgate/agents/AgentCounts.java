package io.heartgate.agents;

import io.heartgate.metrics.AgentMeters;
import io.vertx.core.Future;
import java.time.Clock;

/**
 * Agents by status for the metrics, counted with one grouped query at most every {@link #REFRESH_MS} (by the
 * node's clock), however often the node is scraped; between counts a scrape shows the last count, and when it was
 * taken. A count that fails (the store is down) leaves the last one in place. Concurrent scrapes share one count.
 */
public final class AgentCounts {
  /** The longest a scrape may show an old count; statuses change no faster than agents report (every ~30 s). */
  public static final long REFRESH_MS = 15_000;

  private final AgentRepository agents;
  private final AgentMeters meters;
  private final Clock clock;
  private long countedAt = Long.MIN_VALUE;
  private Future<Void> counting;

  public AgentCounts(AgentRepository agents, AgentMeters meters, Clock clock) {
    this.agents = agents;
    this.meters = meters;
    this.clock = clock;
  }

  /** Counts again when the last count is older than {@link #REFRESH_MS}; completes when the gauges are current. */
  public synchronized Future<Void> refresh() {
    long now = clock.millis();
    if (counting != null) {
      return counting;
    }
    if (countedAt != Long.MIN_VALUE && now - countedAt < REFRESH_MS) {
      return Future.succeededFuture();
    }
    Future<Void> count = agents.countByStatus(now).map(counts -> {
      meters.counted(counts, now);
      return null;
    });
    counting = count;
    count.onComplete(done -> finished(count, done.succeeded(), now));
    return count;
  }

  private synchronized void finished(Future<Void> count, boolean succeeded, long at) {
    if (succeeded) {
      countedAt = at;
    }
    if (counting == count) {
      counting = null;
    }
  }
}
