package io.heartgate.heartbeat;

import io.heartgate.bus.Addresses;
import io.heartgate.metrics.HeartbeatMeters;
import io.heartgate.store.Store;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Writes heartbeats with group commit: requests wait in a bounded queue, coalesced per agent; a batch is
 * written as soon as the previous one committed, and every request is answered only after its batch
 * committed. A full queue (by count or by bytes), a failed write, a request that waited too long or a node
 * shutting down answers 503; nothing is acknowledged that was not written, and a refused heartbeat is not
 * written. Runs on one event loop, so its state needs no locks.
 */
public final class HeartbeatWriterVerticle extends VerticleBase {
  static final int MAX_BATCH_AGENTS = 500;
  /** A heartbeat still queued after this long is refused rather than written: its agent has given up on it. */
  static final long MAX_QUEUE_WAIT_MS = 10_000;
  /**
   * Request bodies waiting at once, in bytes: typical heartbeats (about 1 KiB) reach the count limit first, but
   * 1 MiB bodies must not make a slow store cost gigabytes of memory.
   */
  static final long MAX_WAITING_BYTES = 64L * 1024 * 1024;
  /** The writer's refusals, each in its own words: the routes count them by reason from these. */
  static final String SHUTTING_DOWN = "The gateway is shutting down; try again later";
  static final String QUEUE_FULL = "Too many heartbeats waiting for the store; try again later";
  static final String STORE_FAILED = "The store is unavailable; try again later";
  static final String WAITED_TOO_LONG = "The heartbeat waited too long for the store; try again later";
  private static final Logger LOG = Logger.getLogger(HeartbeatWriterVerticle.class.getName());
  private final HeartbeatRepository repository;
  private final int capacity;
  private final Clock clock;
  private final HeartbeatMeters meters;
  private final Map<String, Pending> queued = new LinkedHashMap<>();
  private int waiting;
  private long waitingBytes;
  private boolean writing;
  private Promise<Void> drained;
  private MessageConsumer<AgentHeartbeat> consumer;

  /** A request waiting for the store, and since when (epoch milliseconds of the clock). */
  private record Waiting(Message<AgentHeartbeat> request, long sinceMillis) {
  }

  /** Every waiting request of one agent, oldest first; the newest one's heartbeat is the one written. */
  private static final class Pending {
    final List<Waiting> requests = new ArrayList<>(1);

    AgentHeartbeat latest() {
      return requests.get(requests.size() - 1).request().body();
    }
  }

  /**
   * @param capacity how many heartbeat requests may wait for the store at once
   * @param clock measures how long a request has waited
   * @param meters counts acknowledged heartbeats and measures batches; watches the queue
   */
  public HeartbeatWriterVerticle(Store store, int capacity, Clock clock, HeartbeatMeters meters) {
    this.repository = new HeartbeatRepository(store);
    this.capacity = capacity;
    this.clock = clock;
    this.meters = meters;
  }

  @Override
  public Future<?> start() {
    // Read from the scraping thread without synchronisation: a moment stale at worst, and free for the writer.
    meters.watchQueue(() -> waiting, () -> waitingBytes);
    consumer = vertx.eventBus().consumer(Addresses.HEARTBEAT_WRITE, this::enqueue);
    return consumer.completion();
  }

  /** Refuses new heartbeats and completes once everything queued is written. */
  @Override
  public Future<?> stop() {
    drained = Promise.promise();
    completeDrainIfIdle();
    return drained.future().compose(ignored -> consumer.unregister());
  }

  private void enqueue(Message<AgentHeartbeat> request) {
    if (drained != null) {
      request.fail(503, SHUTTING_DOWN);
      return;
    }
    int bytes = request.body().bodyBytes();
    if (waiting >= capacity || waitingBytes + bytes > MAX_WAITING_BYTES) {
      request.fail(503, QUEUE_FULL);
      return;
    }
    queued.computeIfAbsent(request.body().agentId(), id -> new Pending()).requests
        .add(new Waiting(request, clock.millis()));
    waiting++;
    waitingBytes += bytes;
    writeNextBatch();
  }

  private void writeNextBatch() {
    List<Pending> batch = writing ? List.of() : takeBatch();
    if (batch.isEmpty()) {
      completeDrainIfIdle();
      return;
    }
    writing = true;
    long started = System.nanoTime();
    write(batch).onComplete(result -> {
      if (result.succeeded()) {
        // Counted before anyone is answered, so an agent that got its 204 finds it counted.
        int requests = 0;
        for (Pending pending : batch) {
          requests += pending.requests.size();
        }
        meters.committed(batch.size(), System.nanoTime() - started);
        meters.acknowledged(requests);
      }
      for (Pending pending : batch) {
        for (Waiting waited : pending.requests) {
          if (result.succeeded()) {
            waited.request().reply(null);
          } else {
            waited.request().fail(503, STORE_FAILED);
          }
          release(waited);
        }
      }
      if (result.failed()) {
        LOG.log(Level.WARNING, "heartbeat batch of " + batch.size() + " agents not written: "
            + result.cause().getMessage());
      }
      writing = false;
      writeNextBatch();
    });
  }

  /** Up to MAX_BATCH_AGENTS agents off the queue, refusing on the way the requests that waited too long. */
  private List<Pending> takeBatch() {
    long expiredBefore = clock.millis() - MAX_QUEUE_WAIT_MS;
    List<Pending> batch = new ArrayList<>(Math.min(queued.size(), MAX_BATCH_AGENTS));
    for (Iterator<Pending> it = queued.values().iterator(); it.hasNext() && batch.size() < MAX_BATCH_AGENTS; ) {
      Pending pending = it.next();
      it.remove();
      pending.requests.removeIf(waited -> {
        boolean expired = waited.sinceMillis() < expiredBefore;
        if (expired) {
          waited.request().fail(503, WAITED_TOO_LONG);
          release(waited);
        }
        return expired;
      });
      if (!pending.requests.isEmpty()) {
        batch.add(pending);
      }
    }
    return batch;
  }

  private void release(Waiting waited) {
    waiting--;
    waitingBytes -= waited.request().body().bodyBytes();
  }

  private Future<Void> write(List<Pending> batch) {
    List<HeartbeatRepository.Coalesced> rows = new ArrayList<>(batch.size());
    for (Pending pending : batch) {
      rows.add(new HeartbeatRepository.Coalesced(pending.latest(), pending.requests.size()));
    }
    rows.sort(Comparator.comparing(row -> row.latest().agentId()));
    return repository.write(rows);
  }

  private void completeDrainIfIdle() {
    if (drained != null && !writing && queued.isEmpty()) {
      drained.tryComplete();
    }
  }
}
