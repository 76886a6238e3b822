package io.heartgate.agents;

import io.vertx.core.Future;
import java.util.function.Supplier;

/**
 * One run of the auto-delete job: deletes silent agents in transactions of {@link #BATCH_SIZE}, one after the
 * other, so that the store is never held for long (SQLite has one writer, and every heartbeat batch waits for it).
 * Heartbeat writes queued meanwhile go first: the next batch asks the store only once the previous one is done.
 */
final class SilentAgentSweep {
  /** Agents deleted per statement (one transaction each). */
  static final int BATCH_SIZE = 1_000;

  /** What a run did: agents deleted, batches run, and whether it ran until no silent agent was left. */
  record Outcome(int deleted, int batches, boolean finished) {
  }

  private final AgentRepository agents;

  SilentAgentSweep(AgentRepository agents) {
    this.agents = agents;
  }

  /**
   * Deletes the agents silent at {@code now} batch after batch; before each batch after the first, asks
   * {@code proceed} whether to go on (the job stops between batches when the node stops or loses the lead).
   */
  Future<Outcome> run(long now, Supplier<Future<Boolean>> proceed) {
    return next(now, proceed, new Outcome(0, 0, false));
  }

  private Future<Outcome> next(long now, Supplier<Future<Boolean>> proceed, Outcome sofar) {
    return agents.deleteSilent(now, BATCH_SIZE).compose(deleted -> {
      Outcome done = new Outcome(sofar.deleted() + deleted, sofar.batches() + 1, deleted < BATCH_SIZE);
      if (done.finished()) {
        return Future.succeededFuture(done);
      }
      return proceed.get().compose(go -> go ? next(now, proceed, done) : Future.succeededFuture(done));
    });
  }
}
