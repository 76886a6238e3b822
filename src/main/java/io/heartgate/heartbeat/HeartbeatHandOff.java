package io.heartgate.heartbeat;

import io.heartgate.bus.Addresses;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Collects the heartbeats one router event loop accepts in one turn and hands them to the writer as one message
 * at the end of the turn, then settles each from the writer's one reply. A refused heartbeat fails with its
 * {@link HeartbeatRefusal}'s failure. Used only on its event loop, so it needs no locks.
 */
final class HeartbeatHandOff {
  /**
   * The writer answers every heartbeat itself (refusing those that waited too long before being written); this
   * timeout is only a last resort for a store that stops answering in the middle of a commit.
   */
  private static final DeliveryOptions WRITE = new DeliveryOptions()
      .setSendTimeout(HeartbeatWriterVerticle.MAX_QUEUE_WAIT_MS + 50_000);

  private static final Logger LOG = Logger.getLogger(HeartbeatHandOff.class.getName());
  private final Context context;
  private final HeartbeatBacklog backlog;
  private List<AgentHeartbeat> heartbeats = new ArrayList<>();
  private List<Promise<Void>> waiting = new ArrayList<>();

  /**
   * @param context the router event loop this hand-off serves
   * @param backlog where every heartbeat reserves its place before it goes, shared by every router event loop
   */
  HeartbeatHandOff(Context context, HeartbeatBacklog backlog) {
    this.context = context;
    this.backlog = backlog;
  }

  /**
   * Completes once the heartbeat is committed; fails with the writer's refusal (or {@link
   * HeartbeatRefusal#QUEUE_FULL} at once, when the backlog is full), or the event bus's failure. The writer
   * gives the heartbeat's place in the backlog back when it settles it; when no writer took the batch at all, this
   * hand-off does.
   */
  Future<Void> submit(AgentHeartbeat heartbeat) {
    if (!backlog.tryReserve(heartbeat.bodyBytes())) {
      return Future.failedFuture(HeartbeatRefusal.QUEUE_FULL.failure);
    }
    if (heartbeats.isEmpty()) {
      // Runs after the heartbeats whose bodies arrived in this turn of the event loop were accepted.
      context.runOnContext(ignored -> send());
    }
    heartbeats.add(heartbeat);
    Promise<Void> committed = Promise.promise();
    waiting.add(committed);
    return committed.future();
  }

  private void send() {
    List<AgentHeartbeat> sent = heartbeats;
    List<Promise<Void>> settled = waiting;
    heartbeats = new ArrayList<>(sent.size());
    waiting = new ArrayList<>(sent.size());
    context.owner().eventBus().<HeartbeatBatch.Outcome>request(Addresses.HEARTBEAT_WRITE, new HeartbeatBatch(sent),
        WRITE).onComplete(reply -> {
          if (reply.failed() && neverDelivered(reply.cause())) {
            sent.forEach(heartbeat -> backlog.release(heartbeat.bodyBytes()));
          }
          for (int i = 0; i < settled.size(); i++) {
            try {
              settled.get(i).handle(reply.failed() ? Future.failedFuture(reply.cause())
                  : outcome(reply.result().body().refusals().get(i)));
            } catch (RuntimeException e) {
              // One request's answer going wrong must not leave the others of its batch unanswered.
              LOG.log(Level.WARNING, "answering a heartbeat failed", e);
            }
          }
        });
  }

  /** The writer was not there to take the batch (a node stopping): nobody else will give its places back. */
  private static boolean neverDelivered(Throwable failure) {
    return failure instanceof ReplyException reply && reply.failureType() == ReplyFailure.NO_HANDLERS;
  }

  private static Future<Void> outcome(HeartbeatRefusal refusal) {
    return refusal == null ? Future.succeededFuture() : Future.failedFuture(refusal.failure);
  }
}
