package io.heartgate.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/**
 * Heartbeats acknowledged and refused (by status and reason), the writer's queue, and its batches: rows per
 * committed batch and commit latency, labelled with the store. Every counter is registered here, once; recording
 * one is an increment of a counter already in hand, with no tag lookup and no allocation.
 */
public final class HeartbeatMeters {
  /** Why a heartbeat was refused: the status the agent got and a bounded reason. */
  public enum Refusal {
    INVALID(400, "invalid"),
    UNAUTHORIZED(401, "unauthorized"),
    FORBIDDEN(403, "forbidden"),
    TOO_LARGE(413, "too_large"),
    UNSUPPORTED_MEDIA_TYPE(415, "unsupported_media_type"),
    QUEUE_FULL(503, "queue_full"),
    WAITED_TOO_LONG(503, "waited_too_long"),
    STORE_UNAVAILABLE(503, "store_unavailable"),
    SHUTTING_DOWN(503, "shutting_down"),
    BUSY(503, "busy"),
    OTHER(500, "other");

    private final int status;
    private final String reason;

    Refusal(int status, String reason) {
      this.status = status;
      this.reason = reason;
    }

    public int status() {
      return status;
    }

    public String reason() {
      return reason;
    }
  }

  static final String ACKNOWLEDGED = "heartgate.heartbeats.acknowledged";
  static final String REFUSED = "heartgate.heartbeats.refused";
  private static final double[] BATCH_ROWS = {1, 2, 5, 10, 20, 50, 100, 200, 500};
  private static final Duration[] COMMIT_LATENCY = {Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5),
      Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100),
      Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500),
      Duration.ofSeconds(5), Duration.ofSeconds(10)};

  private final MeterRegistry registry;
  private final Counter acknowledged;
  /** One counter per refusal, by ordinal. */
  private final Counter[] refused;
  private final DistributionSummary batchRows;
  private final Timer commits;

  /** @param store the store's kind ({@code sqlite} or {@code postgres}), a label of the batch meters */
  public HeartbeatMeters(MeterRegistry registry, String store) {
    this.registry = registry;
    this.acknowledged = Counter.builder(ACKNOWLEDGED)
        .description("Heartbeats answered 204: committed to the store (coalesced ones included)")
        .register(registry);
    Refusal[] refusals = Refusal.values();
    this.refused = new Counter[refusals.length];
    for (Refusal refusal : refusals) {
      refused[refusal.ordinal()] = Counter.builder(REFUSED)
          .description("Heartbeats refused, by the status the agent got and why")
          .tag("status", String.valueOf(refusal.status()))
          .tag("reason", refusal.reason())
          .register(registry);
    }
    this.batchRows = DistributionSummary.builder("heartgate.heartbeat.batch.rows")
        .description("Agents (rows) written per committed heartbeat batch")
        .tag("store", store)
        .serviceLevelObjectives(BATCH_ROWS)
        .register(registry);
    this.commits = Timer.builder("heartgate.heartbeat.commit")
        .description("Time to write and commit one heartbeat batch")
        .tag("store", store)
        .serviceLevelObjectives(COMMIT_LATENCY)
        .register(registry);
  }

  /** Heartbeat requests answered 204 after their batch committed. */
  public void acknowledged(int requests) {
    acknowledged.increment(requests);
  }

  public void refused(Refusal refusal) {
    refused[refusal.ordinal()].increment();
  }

  /** A batch of {@code rows} agents committed after {@code nanos}. */
  public void committed(int rows, long nanos) {
    batchRows.record(rows);
    commits.record(nanos, TimeUnit.NANOSECONDS);
  }

  /**
   * The writer's queue, read when scraped: requests waiting for the store and their body bytes. The suppliers
   * read the writer's fields without synchronisation, so a scrape may see them a moment late; the writer pays
   * nothing for being watched.
   */
  public void watchQueue(IntSupplier requests, LongSupplier bytes) {
    Gauge.builder("heartgate.heartbeat.queue.requests", requests::getAsInt)
        .description("Heartbeat requests waiting for the store")
        .strongReference(true)
        .register(registry);
    Gauge.builder("heartgate.heartbeat.queue.bytes", bytes::getAsLong)
        .description("Bytes the heartbeat requests waiting for the store hold: bodies, and 12 KiB each besides")
        .baseUnit("bytes")
        .strongReference(true)
        .register(registry);
  }
}
