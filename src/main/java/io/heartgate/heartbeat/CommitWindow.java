package io.heartgate.heartbeat;

import java.time.Duration;

/**
 * When the heartbeat writer's next batch starts. A batch costs a transaction and four hand-offs between threads
 * whatever its size, and at the rates a node usually takes (100,000 agents reporting every minute are 1,667
 * heartbeats a second) batches written as soon as the previous one committed held a few agents each. So a batch of
 * fewer than {@link #FULL_ENOUGH} agents waits until the window since the previous batch started is over, and the
 * heartbeats arriving meanwhile share its transaction: at 1,667 to 5,000 heartbeats a second that took a fifth off
 * the gateway's CPU per heartbeat, for a few milliseconds more at the median (README, "6 December: the commit
 * window").
 *
 * <p>Clients that wait for each answer before they send again over fewer connections than that (a proxy's small
 * pool) never fill the queue while it waits: their next heartbeats all come soon after the answers, then none. A
 * wait in whose second half no heartbeat arrived therefore turns the window off for the next {@link #PAUSE_BATCHES}
 * batches, so such clients lose one wait in that many batches instead of one in every batch (16 connections got
 * 2,662 heartbeats a second with a wait on every batch, 14,684 with the pause, 15,897 without a window).
 *
 * <p>Times are {@link System#nanoTime} readings given by the writer; used on its event loop only.
 */
final class CommitWindow {
  /** Agents queued that are written at once, whatever the window. */
  static final int FULL_ENOUGH = 32;
  /** Batches written without waiting after a wait whose second half brought nothing. */
  static final int PAUSE_BATCHES = 100;
  /** A wait shorter than this is not worth a timer. */
  static final long SHORTEST_WAIT_NANOS = 500_000;

  private final long windowNanos;
  private final int fullEnough;
  private long lastStarted;
  private long lastArrival;
  private long waitBegan;
  private int paused;

  /**
   * @param window how long after a batch started the next one of few agents may start (zero: at once)
   * @param capacity how many heartbeats may wait at once: with fewer than {@link #FULL_ENOUGH}, a full queue is full
   *     enough
   * @param now the time now: the first batch does not wait
   */
  CommitWindow(Duration window, int capacity, long now) {
    this.windowNanos = window.toNanos();
    this.fullEnough = Math.min(FULL_ENOUGH, capacity);
    this.lastStarted = now - windowNanos;
  }

  /** Nanoseconds the next batch waits with {@code queued} agents waiting now; 0 to write it now. */
  long wait(int queued, long now) {
    if (queued == 0 || queued >= fullEnough || paused > 0) {
      return 0;
    }
    long wait = windowNanos - (now - lastStarted);
    return wait < SHORTEST_WAIT_NANOS ? 0 : wait;
  }

  /** A batch starts now. */
  void started(long now) {
    lastStarted = now;
    if (paused > 0) {
      paused--;
    }
  }

  /** Heartbeats arrived now. */
  void arrived(long now) {
    lastArrival = now;
  }

  /** The writer waits from now, as {@link #wait} said. */
  void waitBegins(long now) {
    waitBegan = now;
  }

  /** The wait ends now. */
  void waited(long now) {
    if (lastArrival - waitBegan < (now - waitBegan) / 2) {
      paused = PAUSE_BATCHES;
    }
  }
}
