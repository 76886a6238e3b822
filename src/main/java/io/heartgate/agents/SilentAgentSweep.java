package io.heartgate.agents;

import io.heartgate.store.Dialect;
import io.vertx.core.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;

/**
 * One run of the auto-delete job: deletes silent agents in transactions of {@link #batchSize} agents, one after the
 * other, so that the store is never held for long (SQLite has one writer, and every heartbeat batch waits for it).
 * Between two batches the caller decides whether, and when, to go on (the job leaves the store alone meanwhile).
 */
final class SilentAgentSweep {
  /**
   * Agents deleted per transaction on SQLite. A heartbeat batch that arrives meanwhile waits for it, and the time a
   * batch takes grows faster than its size: at a million agents under 1,000 heartbeats/s, deleting 100,000 of them,
   * the heartbeat p99 was 71-76 ms with batches of 125 against 78-94 ms with 500, the sweep taking 36-37 s against
   * 23-28 s (src/bench SCENARIO=agents; README, Benchmark).
   */
  static final int SQLITE_BATCH = 125;
  /**
   * On PostgreSQL, where a batch holds only its own rows: 125 measured 23.2 ms against 21.8 with 500, and the sweep
   * took 50 s against 28.
   */
  static final int POSTGRES_BATCH = 500;

  /** What a run did: agents deleted, batches run, and whether it ran until no silent agent was left. */
  record Outcome(int deleted, int batches, boolean finished) {
  }

  private final AgentRepository agents;
  private final int batchSize;

  SilentAgentSweep(AgentRepository agents) {
    this.agents = agents;
    this.batchSize = batchSize(agents.dialect());
  }

  static int batchSize(Dialect dialect) {
    return dialect == Dialect.POSTGRES ? POSTGRES_BATCH : SQLITE_BATCH;
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
    return agents.deleteSilent(now, batchSize, seenFrom).compose(batch -> {
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
