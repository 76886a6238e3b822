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
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Writes heartbeats with group commit: they arrive in {@link HeartbeatBatch}es (one per router event loop and
 * turn, their number bounded by the routes' {@link HeartbeatBacklog}) and wait coalesced per agent; a store batch is
 * written as soon as the previous one committed, unless a {@link CommitWindow} has it wait for more; every heartbeat
 * is settled only after its store batch committed; a router's batch gets one reply once all of its heartbeats are
 * settled. A failed write, a heartbeat that waited too long or a node shutting down is refused (503); nothing is
 * acknowledged that was not written, and a refused heartbeat is not written. Waits are looked at every second as
 * well as before each batch, so a store that stops answering mid-commit holds the one batch it took, not everything
 * that arrives after it. Runs on one event loop, so its state needs no locks.
 */
public final class HeartbeatWriterVerticle extends VerticleBase {
  static final int MAX_BATCH_AGENTS = 500;
  /** A heartbeat still queued after this long is refused rather than written: its agent has given up on it. */
  static final long MAX_QUEUE_WAIT_MS = 10_000;
  private static final long EXPIRY_CHECK_MS = 1_000;
  private static final Logger LOG = Logger.getLogger(HeartbeatWriterVerticle.class.getName());
  private final HeartbeatRepository repository;
  private final Clock clock;
  private final HeartbeatMeters meters;
  private final HeartbeatBacklog backlog;
  private final Map<String, Pending> queued = new LinkedHashMap<>();
  private boolean writing;
  private final CommitWindow window;
  /** The timer that writes the next batch at the end of the commit window; -1 when none is set. */
  private long windowTimer = -1;
  private Promise<Void> drained;
  private MessageConsumer<HeartbeatBatch> consumer;
  private long expiryCheck;

  /**
   * A router's batch being settled: each heartbeat's place in the backlog is given back as it gets its outcome, and
   * the batch's one reply goes once every heartbeat in it has one.
   */
  private final class Delivery {
    final Message<HeartbeatBatch> message;
    final HeartbeatRefusal[] refusals;
    int unsettled;

    Delivery(Message<HeartbeatBatch> message) {
      this.message = message;
      this.unsettled = message.body().heartbeats().size();
      this.refusals = new HeartbeatRefusal[unsettled];
    }

    AgentHeartbeat heartbeat(int index) {
      return message.body().heartbeats().get(index);
    }

    /** @param refusal null when the heartbeat was committed */
    void settle(int index, HeartbeatRefusal refusal) {
      backlog.release(heartbeat(index).bodyBytes());
      refusals[index] = refusal;
      if (--unsettled == 0) {
        message.reply(new HeartbeatBatch.Outcome(Arrays.asList(refusals)));
      }
    }
  }

  /** A heartbeat waiting for the store, and since when (epoch milliseconds of the clock). */
  private record Waiting(Delivery delivery, int index, long sinceMillis) {
    AgentHeartbeat heartbeat() {
      return delivery.heartbeat(index);
    }
  }

  /** Every waiting request of one agent, oldest first; the newest one's heartbeat is the one written. */
  private static final class Pending {
    final List<Waiting> requests = new ArrayList<>(1);

    AgentHeartbeat latest() {
      return requests.get(requests.size() - 1).heartbeat();
    }
  }

  /**
   * @param clock measures how long a heartbeat has waited
   * @param meters counts acknowledged heartbeats and measures batches
   * @param backlog where the routes reserved each heartbeat's place, given back here as it is settled
   * @param commitWindow how long after a batch started the next one of few agents may start (see {@link
   *     CommitWindow}; zero: as soon as the previous one committed)
   */
  public HeartbeatWriterVerticle(Store store, Clock clock, HeartbeatMeters meters, HeartbeatBacklog backlog,
      Duration commitWindow) {
    this.window = new CommitWindow(commitWindow, backlog.capacity(), System.nanoTime());
    this.repository = new HeartbeatRepository(store);
    this.clock = clock;
    this.meters = meters;
    this.backlog = backlog;
  }

  @Override
  public Future<?> start() {
    consumer = vertx.eventBus().consumer(Addresses.HEARTBEAT_WRITE, this::enqueue);
    expiryCheck = vertx.setPeriodic(EXPIRY_CHECK_MS, ignored -> refuseExpired());
    return consumer.completion();
  }

  /** Refuses new heartbeats and completes once everything queued is written. */
  @Override
  public Future<?> stop() {
    drained = Promise.promise();
    writeNextBatch();
    return drained.future().compose(ignored -> {
      vertx.cancelTimer(expiryCheck);
      return consumer.unregister();
    });
  }

  private void enqueue(Message<HeartbeatBatch> message) {
    if (message.body().heartbeats().isEmpty()) {
      // Nothing to settle, so nothing would answer it later; the routes never send one.
      message.reply(new HeartbeatBatch.Outcome(List.of()));
      return;
    }
    Delivery delivery = new Delivery(message);
    window.arrived(System.nanoTime());
    long now = clock.millis();
    for (int i = 0; i < delivery.refusals.length; i++) {
      admit(delivery, i, now);
    }
    writeNextBatch();
  }

  private void admit(Delivery delivery, int index, long now) {
    if (drained != null) {
      delivery.settle(index, HeartbeatRefusal.SHUTTING_DOWN);
    } else {
      queued.computeIfAbsent(delivery.heartbeat(index).agentId(), id -> new Pending()).requests
          .add(new Waiting(delivery, index, now));
    }
  }

  private void writeNextBatch() {
    if (writing) {
      return;
    }
    long wait = drained != null ? 0 : window.wait(queued.size(), System.nanoTime());
    if (wait > 0) {
      if (windowTimer < 0) {
        window.waitBegins(System.nanoTime());
        windowTimer = vertx.setTimer(Math.max(1, (wait + 999_999) / 1_000_000), id -> {
          windowTimer = -1;
          window.waited(System.nanoTime());
          writeBatch();
        });
      }
      return;
    }
    if (windowTimer >= 0) {
      vertx.cancelTimer(windowTimer);
      windowTimer = -1;
    }
    writeBatch();
  }

  /** Writes the next batch; only while no batch is being written. */
  private void writeBatch() {
    List<Pending> batch = takeBatch();
    if (batch.isEmpty()) {
      completeDrainIfIdle();
      return;
    }
    writing = true;
    long started = System.nanoTime();
    window.started(started);
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
          waited.delivery().settle(waited.index(), result.succeeded() ? null : HeartbeatRefusal.STORE_FAILED);
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
      if (!refuseExpired(pending, expiredBefore)) {
        batch.add(pending);
      }
    }
    return batch;
  }

  /**
   * Refuses every queued request that waited too long, while a batch is being written; between batches {@link
   * #takeBatch} does it on the way. The queue is in arrival order per agent, not overall, so it is read whole.
   */
  private void refuseExpired() {
    if (!writing) {
      return;
    }
    long expiredBefore = clock.millis() - MAX_QUEUE_WAIT_MS;
    queued.values().removeIf(pending -> refuseExpired(pending, expiredBefore));
    completeDrainIfIdle();
  }

  /** Refuses the agent's requests that arrived before the time; true when none is left. */
  private static boolean refuseExpired(Pending pending, long expiredBefore) {
    pending.requests.removeIf(waited -> {
      boolean expired = waited.sinceMillis() < expiredBefore;
      if (expired) {
        waited.delivery().settle(waited.index(), HeartbeatRefusal.WAITED_TOO_LONG);
      }
      return expired;
    });
    return pending.requests.isEmpty();
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
