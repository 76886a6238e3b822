package io.heartgate.testsupport;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A clock that follows the system clock, plus an offset a test moves forward: time-dependent behaviour (expiry,
 * agent status, Last-Modified) is tested by moving it instead of waiting. Thread-safe: the gateway reads it on
 * its event loops while the test moves it.
 */
public final class MovableClock extends Clock {
  private final AtomicLong offsetMillis = new AtomicLong();

  /** Moves the time forward (or back, with a negative duration) for every later reading. */
  public void advance(Duration duration) {
    offsetMillis.addAndGet(duration.toMillis());
  }

  @Override
  public long millis() {
    return System.currentTimeMillis() + offsetMillis.get();
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
