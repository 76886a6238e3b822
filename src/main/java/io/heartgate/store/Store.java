package io.heartgate.store;

import io.heartgate.settings.DatabaseUrl;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.jdbcclient.JDBCPool;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.SslMode;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteConnection;
import org.sqlite.SQLiteDataSource;

/**
 * The one pool every repository uses, over an embedded SQLite file (JDBC on a worker, one connection) or
 * PostgreSQL (vertx-pg-client, pooled and pipelined). SQL is written with $n placeholders; inside a transaction
 * repositories get a {@link Sql} over its connection that speaks the same dialect.
 */
public final class Store implements Sql {
  private static final long PING_TIMEOUT_MS = 2_000;

  private final Pool pool;
  private final Dialect dialect;
  private final String description;
  private final PgConnectOptions postgresOptions;
  /** SQLite's log copier, or null (PostgreSQL; or SQLite while opening). */
  private SqliteCheckpointer checkpointer;

  private Store(Pool pool, Dialect dialect, String description, PgConnectOptions postgresOptions) {
    this.pool = pool;
    this.dialect = dialect;
    this.description = description;
    this.postgresOptions = postgresOptions;
  }

  /**
   * Opens the store and checks that it answers; fails with a sentence naming the store when it cannot be
   * reached, created or written.
   */
  public static Future<Store> open(Vertx vertx, DatabaseUrl url, int postgresPoolSize) {
    Future<Store> opened = url instanceof DatabaseUrl.Sqlite sqlite
        ? openSqlite(vertx, sqlite)
        : Future.succeededFuture(openPostgres(vertx, (DatabaseUrl.Postgres) url, postgresPoolSize));
    return opened.compose(store -> store.checkWritable()
        .map(store)
        .recover(e -> store.close().transform(ignored -> Future.failedFuture(new StoreUnavailableException(
            "cannot use the store " + url.masked() + ": " + rootMessage(e), e)))));
  }

  private static Future<Store> openSqlite(Vertx vertx, DatabaseUrl.Sqlite url) {
    Path file = url.file().toAbsolutePath();
    return vertx.executeBlocking(() -> {
      try {
        Files.createDirectories(file.getParent());
      } catch (IOException e) {
        throw new StoreUnavailableException("cannot use the store " + url.masked()
            + ": cannot create the folder " + file.getParent() + " (" + e + ")", e);
      }
      SQLiteConfig config = new SQLiteConfig();
      config.setJournalMode(SQLiteConfig.JournalMode.WAL);
      config.enforceForeignKeys(true);
      config.setBusyTimeout(5_000);
      config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
      config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
      // The log file is cut back to this size when it starts over, after a burst made it grow.
      config.setJournalSizeLimit(64 * 1024 * 1024);
      SQLiteDataSource writer = new SQLiteDataSource(config) {
        @Override
        public SQLiteConnection getConnection(String user, String password) throws SQLException {
          SQLiteConnection connection = super.getConnection(user, password);
          try (Statement statement = connection.createStatement()) {
            // The checkpointer copies the log, off this connection (see SqliteCheckpointer).
            statement.execute("PRAGMA wal_autocheckpoint = 0");
          }
          return connection;
        }
      };
      writer.setUrl("jdbc:sqlite:" + file);
      SQLiteDataSource checkpoints = new SQLiteDataSource(config);
      checkpoints.setUrl("jdbc:sqlite:" + file);
      // One connection: SQLite has one writer anyway, and one connection keeps every write in order.
      Pool pool = JDBCPool.pool(vertx, writer, new PoolOptions().setMaxSize(1).setName("heartgate-sqlite"));
      return new SqliteFiles(new Store(pool, Dialect.SQLITE, url.masked(), null), checkpoints);
    }).compose(opened -> SqliteCheckpointer.start(vertx, opened.checkpoints())
        .map(checkpointer -> {
          opened.store().checkpointer = checkpointer;
          return opened.store();
        })
        .recover(e -> opened.store().close().transform(ignored -> Future.failedFuture(e))));
  }

  /** A SQLite store just opened, and where its checkpointer gets its own connection. */
  private record SqliteFiles(Store store, SQLiteDataSource checkpoints) {
  }

  private static Store openPostgres(Vertx vertx, DatabaseUrl.Postgres url, int poolSize) {
    PgConnectOptions connect = new PgConnectOptions()
        .setHost(url.host())
        .setPort(url.port())
        .setDatabase(url.database())
        .setUser(url.user())
        .setPassword(url.password())
        .setPipeliningLimit(256)
        .setCachePreparedStatements(true);
    if (url.sslMode() != null) {
      connect.setSslMode(SslMode.of(url.sslMode()));
    }
    Pool pool = PgBuilder.pool()
        .with(new PoolOptions().setMaxSize(poolSize).setName("heartgate-pg"))
        .with(new NetClientOptions().setConnectTimeout(5_000))
        .connectingTo(connect)
        .using(vertx)
        .build();
    return new Store(pool, Dialect.POSTGRES, url.masked(), connect);
  }

  @Override
  public Dialect dialect() {
    return dialect;
  }

  /** How to open a dedicated PostgreSQL connection (for LISTEN), or null on SQLite. */
  PgConnectOptions postgresOptions() {
    return postgresOptions;
  }

  /** The store as an operator would name it, password masked. */
  public String description() {
    return description;
  }

  @Override
  public Future<RowSet<Row>> query(String sql, Tuple params) {
    return pool.preparedQuery(dialect.sql(sql)).execute(params);
  }

  @Override
  public Future<RowSet<Row>> batch(String sql, List<Tuple> params) {
    return pool.withConnection(connection -> on(connection).batch(sql, params));
  }

  /** Runs the work in one transaction: committed when its Future succeeds, rolled back when it fails. */
  public <T> Future<T> inTransaction(Function<Sql, Future<T>> work) {
    return inTransactionOn(connection -> work.apply(on(connection)));
  }

  /**
   * Runs reads in one snapshot of the store: what they read was all true at one moment, whatever is written
   * meanwhile (PostgreSQL: one repeatable-read transaction; SQLite: one read transaction on its one connection, so
   * the gateway's writes wait for it). For reads only; the work's Future decides nothing.
   */
  public <T> Future<T> inSnapshot(Function<Sql, Future<T>> work) {
    String begin = dialect == Dialect.SQLITE ? "BEGIN DEFERRED"
        : "START TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY";
    return pool.withConnection(connection -> within(connection, begin, () -> work.apply(on(connection))));
  }

  /** The dialect-speaking client of one connection. */
  private Sql on(SqlConnection connection) {
    return new Sql() {
      @Override
      public Dialect dialect() {
        return dialect;
      }

      @Override
      public Future<RowSet<Row>> query(String sql, Tuple params) {
        return connection.preparedQuery(dialect.sql(sql)).execute(params);
      }

      @Override
      public Future<RowSet<Row>> batch(String sql, List<Tuple> params) {
        return connection.preparedQuery(dialect.sql(sql)).executeBatch(params);
      }
    };
  }

  /** A transaction over the raw connection: for the store's own DDL (migrations, the start-up write check). */
  <T> Future<T> inTransactionOn(Function<SqlConnection, Future<T>> work) {
    if (dialect != Dialect.SQLITE) {
      return pool.withTransaction(work);
    }
    // vertx-jdbc-client 5.0.x leaves the JDBC connection in manual-commit mode after withTransaction
    // (vert-x3/vertx-jdbc-client#356): every later write outside a transaction would stay uncommitted, lost at
    // shutdown or undone by an unrelated rollback. So on SQLite the transaction is plain SQL on a connection
    // that stays in autocommit mode.
    return pool.withConnection(connection -> within(connection, "BEGIN IMMEDIATE", () -> work.apply(connection)));
  }

  /** The work between {@code begin} and COMMIT on the connection, rolled back when the work or the COMMIT fails. */
  private static <T> Future<T> within(SqlConnection connection, String begin, Supplier<Future<T>> work) {
    return connection.query(begin).execute().compose(begun -> work.get().compose(
        result -> connection.query("COMMIT").execute().map(result).recover(failure -> rollback(connection, failure)),
        failure -> rollback(connection, failure)));
  }

  private static <T> Future<T> rollback(SqlConnection connection, Throwable failure) {
    return connection.query("ROLLBACK").execute().transform(ignored -> Future.failedFuture(failure));
  }

  /** Succeeds when the store answers a query within two seconds. */
  public Future<Void> ping() {
    return pool.query("SELECT 1").execute()
        .timeout(PING_TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .<Void>mapEmpty()
        .recover(e -> Future.failedFuture(new StoreUnavailableException(
            "the store " + description + " does not answer: " + rootMessage(e), e)));
  }

  public Future<Void> close() {
    Future<Void> checkpoints = checkpointer == null ? Future.succeededFuture() : checkpointer.close();
    return checkpoints.transform(ignored -> pool.close());
  }

  /** A write that is rolled back: proves the store is reachable and, for SQLite, the file is writable. */
  private Future<Void> checkWritable() {
    return inTransactionOn(connection -> connection
            .query("CREATE TEMPORARY TABLE IF NOT EXISTS heartgate_write_check (x INTEGER)").execute()
            .compose(ignored -> dialect == Dialect.SQLITE
                ? connection.query("PRAGMA user_version = 0").execute()
                : Future.succeededFuture())
            .compose(ignored -> Future.<Void>failedFuture(new RollbackOnly())))
        .recover(e -> e instanceof RollbackOnly ? Future.succeededFuture() : Future.failedFuture(e));
  }

  /** Marks a transaction that did its job by running, and must not commit. */
  private static final class RollbackOnly extends RuntimeException {
    RollbackOnly() {
      super(null, null, false, false);
    }
  }

  static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = root.getMessage();
    return message == null || message.isBlank() ? root.getClass().getSimpleName() : message;
  }
}
