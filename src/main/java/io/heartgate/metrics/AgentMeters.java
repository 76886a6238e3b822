package io.heartgate.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Agents by status, as last counted: a gauge per status, set by whoever counts them (the agents feature, at most
 * every few seconds), read as is when scraped. Also when that count was taken, so a stale count shows.
 */
public final class AgentMeters {
  private final Map<String, AtomicLong> byStatus = new LinkedHashMap<>();
  private final AtomicLong countedAtMillis = new AtomicLong();

  /** @param statuses every status an agent can have, each a label value */
  public AgentMeters(MeterRegistry registry, List<String> statuses) {
    for (String status : statuses) {
      AtomicLong count = new AtomicLong();
      byStatus.put(status, count);
      Gauge.builder("heartgate.agents", count, AtomicLong::get)
          .description("Agents by status, as last counted (see heartgate_agents_counted_timestamp_seconds)")
          .tag("status", status)
          .strongReference(true)
          .register(registry);
    }
    Gauge.builder("heartgate.agents.counted.timestamp", countedAtMillis, millis -> millis.get() / 1000.0)
        .description("When the agents were last counted, in seconds since the epoch (0: not yet)")
        .baseUnit("seconds")
        .strongReference(true)
        .register(registry);
  }

  /** A new count: every status, a status missing from the map has no agent. */
  public void counted(Map<String, Long> counts, long atMillis) {
    byStatus.forEach((status, count) -> count.set(counts.getOrDefault(status, 0L)));
    countedAtMillis.set(atMillis);
  }
}
