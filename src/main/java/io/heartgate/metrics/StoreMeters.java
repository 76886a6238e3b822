package io.heartgate.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicInteger;

/** Whether the store answered when the node was last scraped: 1 up, 0 down, labelled with the store's kind. */
public final class StoreMeters {
  private final AtomicInteger up = new AtomicInteger();

  /** @param store {@code sqlite} or {@code postgres} */
  public StoreMeters(MeterRegistry registry, String store) {
    Gauge.builder("heartgate.store.up", up, AtomicInteger::get)
        .description("1 when the store answered a ping at the last scrape, 0 when it did not")
        .tag("store", store)
        .strongReference(true)
        .register(registry);
  }

  public void up(boolean answered) {
    up.set(answered ? 1 : 0);
  }
}
