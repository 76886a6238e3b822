package io.heartgate.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/** A cache's lookups, one counter under one name by result: found in the cache (hit) or not (miss). */
public final class CacheLookups {
  private final Counter hits;
  private final Counter misses;

  CacheLookups(MeterRegistry registry, String name, String description) {
    this.hits = counter(registry, name, description, "hit");
    this.misses = counter(registry, name, description, "miss");
  }

  private static Counter counter(MeterRegistry registry, String name, String description, String result) {
    return Counter.builder(name).description(description).tag("result", result).register(registry);
  }

  public void hit() {
    hits.increment();
  }

  public void miss() {
    misses.increment();
  }
}
