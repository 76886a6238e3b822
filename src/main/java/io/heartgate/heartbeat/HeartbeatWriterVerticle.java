package io.heartgate.heartbeat;

import io.heartgate.bus.Addresses;
import io.heartgate.store.Store;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
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
 * committed. A full queue, a failed write or a node shutting down answers 503; nothing is acknowledged
 * that was not written. Runs on one event loop, so its state needs no locks.
 */
public final class HeartbeatWriterVerticle extends VerticleBase {
  static final int MAX_BATCH_AGENTS = 500;
  private static final Logger LOG = Logger.getLogger(HeartbeatWriterVerticle.class.getName());
  private final HeartbeatRepository repository;
  private final int capacity;
  private final Map<String, Pending> queued = new LinkedHashMap<>();
  private int waiting;
  private boolean writing;
  private Promise<Void> drained;
  private MessageConsumer<AgentHeartbeat> consumer;

  /** The newest heartbeat of one agent and every request that it stands for. */
  private static final class Pending {
    AgentHeartbeat latest;
    final List<Message<AgentHeartbeat>> requests = new ArrayList<>(1);
  }

  /** @param capacity how many heartbeat requests may wait for the store at once */
  public HeartbeatWriterVerticle(Store store, int capacity) {
    this.repository = new HeartbeatRepository(store);
    this.capacity = capacity;
  }

  @Override
  public Future<?> start() {
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
      request.fail(503, "The gateway is shutting down; try again later");
      return;
    }
    if (waiting >= capacity) {
      request.fail(503, "Too many heartbeats waiting for the store; try again later");
      return;
    }
    Pending pending = queued.computeIfAbsent(request.body().agentId(), id -> new Pending());
    pending.latest = request.body();
    pending.requests.add(request);
    waiting++;
    writeNextBatch();
  }

  private void writeNextBatch() {
    if (writing || queued.isEmpty()) {
      completeDrainIfIdle();
      return;
    }
    writing = true;
    List<Pending> batch = takeBatch();
    write(batch).onComplete(result -> {
      for (Pending pending : batch) {
        for (Message<AgentHeartbeat> request : pending.requests) {
          if (result.succeeded()) {
            request.reply(null);
          } else {
            request.fail(503, "The store is unavailable; try again later");
          }
        }
        waiting -= pending.requests.size();
      }
      if (result.failed()) {
        LOG.log(Level.WARNING, "heartbeat batch of " + batch.size() + " agents not written: "
            + result.cause().getMessage());
      }
      writing = false;
      writeNextBatch();
    });
  }

  private List<Pending> takeBatch() {
    List<Pending> batch = new ArrayList<>(Math.min(queued.size(), MAX_BATCH_AGENTS));
    for (Iterator<Pending> it = queued.values().iterator(); it.hasNext() && batch.size() < MAX_BATCH_AGENTS; ) {
      batch.add(it.next());
      it.remove();
    }
    return batch;
  }

  private Future<Void> write(List<Pending> batch) {
    List<HeartbeatRepository.Coalesced> rows = new ArrayList<>(batch.size());
    for (Pending pending : batch) {
      rows.add(new HeartbeatRepository.Coalesced(pending.latest, pending.requests.size()));
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
