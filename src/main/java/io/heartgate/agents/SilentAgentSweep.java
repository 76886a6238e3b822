package io.heartgate.agents;

import io.vertx.core.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;

/**
 * One run of the auto-delete job: deletes silent agents in transactions of {@link #BATCH_SIZE}, one after the
 * other, so that the store is never held for long (SQLite has one writer, and every heartbeat batch waits for it).
 * Between two batches the caller decides whether, and when, to go on (the job leaves the store alone meanwhile).
 */
final class SilentAgentSweep {
  /**
   * Agents deleted per transaction. A heartbeat batch that arrives meanwhile waits for it, and on SQLite the time a
   * batch takes grows faster than its size: at a million agents under 1,000 heartbeats/s, deleting 100,000 of them
   * in batches of 500 raised the heartbeat p99 to 238-387 ms, of 250 to 82-204 ms, of 125 to 62-68 ms, the sweep
   * taking 22-26, 27-31 and 35 s (README, Benchmark).
   */
  static final int BATCH_SIZE = 125;

  /** What a run did: agents deleted, batches run, and whether it ran until no silent agent was left. */
  record Outcome(int deleted, int batches, boolean finished) {
  }

  private final AgentRepository agents;

  SilentAgentSweep(AgentRepository agents) {
    this.agents = agents;
  }

  /**
   * Deletes the agents silent at {@code now} batch after batch. After each batch but the last, hands
   * {@code proceed} how many milliseconds it took and goes on when its Future says true (the job pauses there,
   * and stops when the node stops or loses the lead).
   */
  Future<Outcome> run(long now, LongFunction<Future<Boolean>> proceed) {
    return next(now, proceed, new Outcome(0, 0, false), Long.MIN_VALUE);
  }

  private Future<Outcome> next(long now, LongFunction<Future<Boolean>> proceed, Outcome sofar, long seenFrom) {
    long started = System.nanoTime();
    return agents.deleteSilent(now, BATCH_SIZE, seenFrom).compose(batch -> {
      Outcome done = new Outcome(sofar.deleted() + batch.deleted(), sofar.batches() + 1,
          !batch.full());
      if (done.finished()) {
        return Future.succeededFuture(done);
      }
      long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
      return proceed.apply(tookMs).compose(go -> go ? next(now, proceed, done, batch.resumeFrom())
          : Future.succeededFuture(done));
    });
  }
}
