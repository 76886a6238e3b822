package io.heartgate.heartbeat;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** When the writer's next batch starts, from the times and counts it is given. */
class CommitWindowTest {
  private static final long MS = 1_000_000;
  private static final long T0 = 1_000 * MS;

  @Test
  void theFirstBatchDoesNotWait() {
    assertEquals(0, new CommitWindow(Duration.ofMillis(5), 1_000, T0).wait(1, T0));
  }

  @Test
  void aSmallBatchWaitsForWhatIsLeftOfTheWindowSinceThePreviousStarted() {
    CommitWindow window = new CommitWindow(Duration.ofMillis(5), 1_000, T0);
    window.started(T0);
    assertEquals(3 * MS, window.wait(1, T0 + 2 * MS));
    assertEquals(3 * MS, window.wait(CommitWindow.FULL_ENOUGH - 1, T0 + 2 * MS));
    assertEquals(0, window.wait(CommitWindow.FULL_ENOUGH, T0 + 2 * MS), "full enough");
    assertEquals(0, window.wait(0, T0 + 2 * MS), "nothing to write");
    assertEquals(0, window.wait(1, T0 + 5 * MS), "the window is over");
    assertEquals(0, window.wait(1, T0 + 5 * MS - CommitWindow.SHORTEST_WAIT_NANOS + 1), "all but over");
  }

  @Test
  void aQueueSmallerThanFullEnoughIsFullEnoughWhenFull() {
    CommitWindow window = new CommitWindow(Duration.ofMillis(5), 4, T0);
    window.started(T0);
    assertEquals(3 * MS, window.wait(3, T0 + 2 * MS));
    assertEquals(0, window.wait(4, T0 + 2 * MS));
  }

  @Test
  void noWindowNeverWaits() {
    CommitWindow window = new CommitWindow(Duration.ZERO, 1_000, T0);
    window.started(T0);
    assertEquals(0, window.wait(1, T0));
  }

  @Test
  void aWaitWhoseSecondHalfBroughtNothingPausesTheWindowForSomeBatches() {
    CommitWindow window = new CommitWindow(Duration.ofMillis(5), 1_000, T0);
    long now = T0;
    window.started(now);
    window.waitBegins(now);
    window.arrived(now + 3 * MS);
    window.waited(now + 4 * MS);
    assertEquals(3 * MS, window.wait(1, now + 2 * MS), "heartbeats arriving to the end keep the window");
    // Clients waiting for their answers: all of them sent within a moment of the first, then none.
    window.waitBegins(now);
    window.arrived(now + MS / 2);
    window.waited(now + 4 * MS);
    for (int batch = 0; batch < CommitWindow.PAUSE_BATCHES; batch++) {
      assertEquals(0, window.wait(1, now + MS), "batch " + batch + " of the pause");
      now += MS;
      window.started(now);
    }
    assertEquals(4 * MS, window.wait(1, now + MS), "the window again after the pause");
  }
}
