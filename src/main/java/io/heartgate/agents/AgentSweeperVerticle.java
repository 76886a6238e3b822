package io.heartgate.agents;

import io.heartgate.store.AdvisoryLock;
import io.heartgate.store.KeyValues;
import io.heartgate.store.Leadership;
import io.heartgate.store.Store;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Deletes agents silent for longer than their reporting rule's auto-delete time, on a timer, after folding the
 * summary's tally (see {@link AgentRepository#foldTally}). With several nodes on PostgreSQL only the leader (see
 * {@link Leadership}) does both; the others keep asking, so the job moves to another node when the leader dies. A
 * sweep deletes in bounded batches ({@link SilentAgentSweep}), pausing between two, and stops there when this node
 * stops or loses the lead. Each finished sweep is recorded in the settings table under {@link #RECORD_KEY} with the
 * total it deleted.
 */
public final class AgentSweeperVerticle extends VerticleBase {
  public static final String RECORD_KEY = "agent_sweep.last_run";
  /**
   * After each batch the job leaves the store alone for this many times as long as the batch took: it takes at
   * most a quarter of the store's time, and heartbeat batches the rest.
   */
  private static final long IDLE_PER_BUSY = 3;
  private static final Logger LOG = Logger.getLogger(AgentSweeperVerticle.class.getName());

  private final Store store;
  private final AgentRepository agents;
  private final SilentAgentSweep silentAgents;
  private final KeyValues keyValues;
  private final Clock clock;
  private final long intervalMs;
  private final String nodeId;
  private Leadership leadership;
  private boolean leading;
  private boolean stopping;
  /** The tick in progress, or a completed future. */
  private Future<Void> running = Future.succeededFuture();
  private long timer;

  /** @param nodeId names this node in the sweep record and the log */
  public AgentSweeperVerticle(Store store, Clock clock, long intervalMs, String nodeId) {
    this.store = store;
    this.agents = new AgentRepository(store);
    this.silentAgents = new SilentAgentSweep(agents);
    this.keyValues = new KeyValues(store);
    this.clock = clock;
    this.intervalMs = intervalMs;
    this.nodeId = nodeId;
  }

  @Override
  public Future<?> start() {
    leadership = new Leadership(store, AdvisoryLock.AGENT_SWEEP);
    timer = vertx.setPeriodic(intervalMs, intervalMs, ignored -> tick());
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    stopping = true;
    // A sweep in progress stops after its current batch; the lead is given up once it has.
    return running.transform(ignored -> leadership.release());
  }

  private void tick() {
    if (!running.isComplete()) {
      return;
    }
    running = leadership.tryLead()
        .compose(lead -> {
          if (lead != leading) {
            LOG.info(lead ? "this node (" + nodeId + ") now runs the agent auto-delete job"
                : "this node (" + nodeId + ") no longer runs the agent auto-delete job");
            leading = lead;
          }
          return lead && !stopping ? foldTally().compose(folded -> sweep()) : Future.succeededFuture();
        })
        .onFailure(e -> LOG.log(Level.WARNING, "agent auto-delete job failed: " + e.getMessage()))
        .<Void>mapEmpty()
        .otherwiseEmpty();
  }

  /** Folds the summary's tally; a fold that fails is logged and does not keep the sweep from running. */
  private Future<Void> foldTally() {
    return agents.foldTally().recover(e -> {
      LOG.log(Level.WARNING, "folding the summary's tally failed (the next run tries again): " + e.getMessage());
      return Future.succeededFuture();
    });
  }

  private Future<Void> sweep() {
    long now = clock.millis();
    long started = System.nanoTime();
    return silentAgents.run(now, tookMs -> vertx.timer(Math.max(1, tookMs * IDLE_PER_BUSY))
        .map(ignored -> !stopping && leadership.leads())).compose(outcome -> {
      long ms = (System.nanoTime() - started) / 1_000_000;
      if (!outcome.finished()) {
        LOG.info("agent auto-delete job interrupted (" + (stopping ? "stopping" : "lead lost") + ") after "
            + outcome.deleted() + " agents in " + outcome.batches() + " batches");
        return Future.succeededFuture();
      }
      if (outcome.deleted() > 0) {
        LOG.info("auto-deleted " + outcome.deleted() + " agents silent for longer than their reporting rule allows ("
            + outcome.batches() + " batches, " + ms + " ms)");
      }
      String record = new JsonObject().put("node", nodeId).put("at", now).put("deleted", outcome.deleted()).encode();
      return keyValues.put(RECORD_KEY, record, now);
    });
  }
}
