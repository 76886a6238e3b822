package io.heartgate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.heartgate.testsupport.LogRecords;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;

/**
 * A failure that no handler took (thrown inside a Future's callback, say) is logged. Today (a helper's probe): the
 * node's Vert.x exception handler halted on running out of memory and dropped everything else, so a listing whose
 * answer failed to be written left its client waiting 30 s and nothing in the log, at any log level.
 */
class UnhandledFailureTest {
  @Test
  void aFailureNoHandlerTookIsLoggedWithItsStackTrace() {
    try (LogRecords log = LogRecords.of(Heartgate.class)) {
      IllegalStateException failure = new IllegalStateException("answer could not be written");
      Heartgate.unhandled(failure);
      assertEquals(1, log.records().size(), "one record");
      assertEquals(Level.SEVERE, log.records().get(0).getLevel());
      assertSame(failure, log.records().get(0).getThrown());
    }
  }
}
