package io.heartgate.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.LongSupplier;

/**
 * The budget of request bodies (REQUEST_BUFFER_MIB), read when scraped: the bytes its bodies hold now, read or
 * being read or their requests still being processed, and its size. Near the size, bodies get 503.
 */
public final class RequestBufferMeters {
  private RequestBufferMeters() {
  }

  public static void watch(MeterRegistry registry, LongSupplier held, long limit) {
    Gauge.builder("heartgate.request.buffer", held::getAsLong)
        .description("Bytes of request bodies held: being read, or their requests not yet answered")
        .baseUnit("bytes")
        .strongReference(true)
        .register(registry);
    Gauge.builder("heartgate.request.buffer.limit", () -> limit)
        .description("The most request bodies may hold at once (REQUEST_BUFFER_MIB)")
        .baseUnit("bytes")
        .strongReference(true)
        .register(registry);
  }
}
