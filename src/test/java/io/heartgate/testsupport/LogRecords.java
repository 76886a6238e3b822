package io.heartgate.testsupport;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** The records one logger publishes while this is open: {@code try (LogRecords log = LogRecords.of(X.class))}. */
public final class LogRecords extends Handler implements AutoCloseable {
  private final Logger logger;
  private final List<LogRecord> records = new CopyOnWriteArrayList<>();

  private LogRecords(Logger logger) {
    this.logger = logger;
  }

  /** Starts collecting what the logger of that class publishes. */
  public static LogRecords of(Class<?> owner) {
    LogRecords log = new LogRecords(Logger.getLogger(owner.getName()));
    log.logger.addHandler(log);
    return log;
  }

  public List<LogRecord> records() {
    return List.copyOf(records);
  }

  @Override
  public void publish(LogRecord record) {
    records.add(record);
  }

  @Override
  public void flush() {
  }

  @Override
  public void close() {
    logger.removeHandler(this);
  }
}
