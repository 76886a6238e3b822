package io.heartgate.testsupport;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A clock that follows the system clock, plus an offset a test moves forward: time-dependent behaviour (expiry,
 * agent status, Last-Modified) is tested by moving it instead of waiting; frozen, it moves only when moved.
 * Thread-safe: the gateway reads it on its event loops while the test moves it.
 */
public final class MovableClock extends Clock {
  private final AtomicLong offsetMillis = new AtomicLong();
  /** The system time the clock stopped at, or {@link Long#MIN_VALUE} while it follows the system clock. */
  private volatile long frozenAt = Long.MIN_VALUE;

  /** Moves the time forward (or back, with a negative duration) for every later reading. */
  public void advance(Duration duration) {
    offsetMillis.addAndGet(duration.toMillis());
  }

  /** Stops following the system clock: from now on the time moves only by {@link #advance}, to the millisecond. */
  public void freeze() {
    frozenAt = System.currentTimeMillis();
  }

  @Override
  public long millis() {
    long system = frozenAt;
    return (system == Long.MIN_VALUE ? System.currentTimeMillis() : system) + offsetMillis.get();
  }

  @Override
  public Instant instant() {
    return Instant.ofEpochMilli(millis());
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException("the gateway reads time in UTC");
  }
}
