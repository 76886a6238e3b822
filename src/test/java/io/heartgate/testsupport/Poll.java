package io.heartgate.testsupport;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Waits for a condition by checking it again and again until a deadline: the tests' only way to wait. */
public final class Poll {
  private static final long POLL_INTERVAL_NANOS = Duration.ofMillis(20).toNanos();

  private Poll() {
  }

  public static void until(Duration timeout, String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + timeout.toMillis() + " ms: " + what);
      }
      LockSupport.parkNanos(POLL_INTERVAL_NANOS);
    }
  }
}
