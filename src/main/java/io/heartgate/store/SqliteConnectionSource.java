package io.heartgate.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import org.apache.commons.dbcp2.BasicDataSource;
import org.sqlite.JDBC;
import org.sqlite.SQLiteConfig;

/**
 * Where a connection of the SQLite store comes from (its writing one, and its reading one): the driver, behind a
 * DBCP data source that keeps the connection's prepared statements for reuse. The Vert.x JDBC client prepares a
 * statement for every execution and closes it after; at 200,000 agents preparing took about a quarter of the
 * connection's time (measured with src/bench, SCENARIO=fleet), the heartbeat batch's two upserts being prepared
 * again for every batch. Closing a statement now gives it back to the connection's cache, keyed by its SQL, its
 * parameters cleared and its result set closed. It also remembers the connection it handed out, for work that
 * needs the driver's own API on it (see {@link Store#inJdbcTransaction} and {@link Store#withJdbc}).
 */
final class SqliteConnectionSource extends BasicDataSource {
  /**
   * Statements kept per connection. Most of the gateway's SQL is fixed text; lists of placeholders (ids looked up
   * in chunks of up to 500, label filters) make more, each used seldom. Beyond this many, the idle statements used
   * least recently give way, so the busy ones stay.
   */
  private static final int KEPT_STATEMENTS = 256;

  /** The connection last handed out: the Vert.x pool's one connection, as it holds at most one. */
  private volatile Connection handedOut;

  private SqliteConnectionSource() {
  }

  static SqliteConnectionSource create(Path file, SQLiteConfig config) {
    SqliteConnectionSource source = new SqliteConnectionSource();
    source.setDriver(new JDBC());
    source.setUrl("jdbc:sqlite:" + file);
    config.toProperties().forEach((key, value) -> source.addConnectionProperty((String) key, (String) value));
    // The checkpointer copies the log, off this connection (see SqliteCheckpointer).
    source.setConnectionInitSqls(List.of("PRAGMA wal_autocheckpoint = 0"));
    source.setMaxTotal(1);
    // The Vert.x pool holds its one connection for good; should it ask for a second meanwhile, it fails, not waits.
    source.setMaxWait(Duration.ofSeconds(5));
    source.setPoolPreparedStatements(true);
    source.setMaxOpenPreparedStatements(KEPT_STATEMENTS);
    return source;
  }

  @Override
  public Connection getConnection() throws SQLException {
    Connection connection = super.getConnection();
    handedOut = connection;
    return connection;
  }

  /** The Vert.x pool's connection; use it only while holding that connection, so that nothing else runs on it. */
  Connection handedOut() {
    return handedOut;
  }
}
