package io.heartgate.store;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * Copies SQLite's write-ahead log into the database file from a connection and a thread of their own, once a
 * second. The store's one connection has SQLite's automatic checkpoints switched off: they ran on it, at the
 * commit that filled 1,000 pages of log, copying and syncing the pages while every heartbeat batch waited behind
 * it (stalls of seconds at 100,000 agents). A passive checkpoint waits for no one, the writer appending meanwhile.
 * But SQLite starts the log over only at a write that begins with every frame copied, which a steady stream of
 * commits never leaves time for: at 100,000 agents the log grew past 1.5 GiB although each checkpoint copied all
 * it found. So a log grown past {@link #RESTART_FRAMES} is made to start over by a restarting checkpoint, which
 * holds the writer only while it copies what the passive one left and waits for readers to leave the log; that
 * wait is cut short after {@link #RESTART_WAIT_MS} (the next second tries again), so a long reader such as a
 * backup cannot hold the writer.
 */
final class SqliteCheckpointer {
  static final long INTERVAL_MS = 1_000;
  /** Log frames (pages of 4 KiB) beyond which a checkpoint makes the log start over: about 40 MiB. */
  static final int RESTART_FRAMES = 10_000;
  /** How long a restarting checkpoint may hold the writer waiting for readers. */
  static final int RESTART_WAIT_MS = 100;
  private static final Logger LOG = Logger.getLogger(SqliteCheckpointer.class.getName());

  private final Vertx vertx;
  private final WorkerExecutor thread;
  private final Connection connection;
  private final long timer;
  private boolean running;

  private SqliteCheckpointer(Vertx vertx, WorkerExecutor thread, Connection connection) {
    this.vertx = vertx;
    this.thread = thread;
    this.connection = connection;
    this.timer = vertx.setPeriodic(INTERVAL_MS, ignored -> tick());
  }

  /** Opens its connection and starts checkpointing; call on the context that will close it. */
  static Future<SqliteCheckpointer> start(Vertx vertx, DataSource dataSource) {
    WorkerExecutor thread = vertx.createSharedWorkerExecutor("heartgate-sqlite-checkpoint", 1);
    return thread.executeBlocking(() -> waitingBriefly(dataSource.getConnection()))
        .map(connection -> new SqliteCheckpointer(vertx, thread, connection))
        .onFailure(e -> thread.close());
  }

  /** The connection, its busy handler cut to {@link #RESTART_WAIT_MS}; closed if that fails. */
  private static Connection waitingBriefly(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute("PRAGMA busy_timeout = " + RESTART_WAIT_MS);
      return connection;
    } catch (SQLException e) {
      connection.close();
      throw e;
    }
  }

  private void tick() {
    if (running) {
      return;
    }
    running = true;
    thread.executeBlocking(this::checkpoint)
        .onFailure(e -> LOG.log(Level.FINE, "SQLite checkpoint not done, next one in a second: " + e.getMessage()))
        .onComplete(ignored -> running = false);
  }

  private Void checkpoint() throws SQLException {
    try (Statement statement = connection.createStatement()) {
      int logFrames = run(statement, "PASSIVE")[1];
      if (logFrames > RESTART_FRAMES) {
        run(statement, "RESTART");
      }
    }
    return null;
  }

  /** Runs a checkpoint of that mode; SQLite answers (busy, frames in the log, frames copied). */
  private static int[] run(Statement statement, String mode) throws SQLException {
    try (ResultSet result = statement.executeQuery("PRAGMA wal_checkpoint(" + mode + ")")) {
      result.next();
      return new int[] {result.getInt(1), result.getInt(2), result.getInt(3)};
    }
  }

  /** Stops checkpointing and closes its connection (the store's last connection then checkpoints as it closes). */
  Future<Void> close() {
    vertx.cancelTimer(timer);
    return thread.<Void>executeBlocking(() -> {
      connection.close();
      return null;
    }).eventually(thread::close);
  }
}
