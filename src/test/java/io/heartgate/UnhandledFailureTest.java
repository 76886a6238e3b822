package io.heartgate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/**
 * A failure that no handler took (thrown inside a Future's callback, say) is logged. Today (a helper's probe): the
 * node's Vert.x exception handler halted on running out of memory and dropped everything else, so a listing whose
 * answer failed to be written left its client waiting 30 s and nothing in the log, at any log level.
 */
class UnhandledFailureTest {
  @Test
  void aFailureNoHandlerTookIsLoggedWithItsStackTrace() {
    List<LogRecord> records = new CopyOnWriteArrayList<>();
    Handler capture = new Handler() {
      @Override
      public void publish(LogRecord record) {
        records.add(record);
      }

      @Override
      public void flush() {
      }

      @Override
      public void close() {
      }
    };
    Logger logger = Logger.getLogger(Heartgate.class.getName());
    logger.addHandler(capture);
    try {
      IllegalStateException failure = new IllegalStateException("answer could not be written");
      Heartgate.unhandled(failure);
      assertEquals(1, records.size(), "one record");
      assertEquals(Level.SEVERE, records.get(0).getLevel());
      assertSame(failure, records.get(0).getThrown());
    } finally {
      logger.removeHandler(capture);
    }
  }
}
