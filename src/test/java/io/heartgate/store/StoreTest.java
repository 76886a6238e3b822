package io.heartgate.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.heartgate.settings.DatabaseUrl;
import io.heartgate.testsupport.Await;
import io.heartgate.testsupport.Poll;
import io.heartgate.testsupport.StoreKind;
import io.heartgate.testsupport.TestStores;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The store and its migrations, against SQLite and a real PostgreSQL server alike. */
class StoreTest {
  @TempDir
  Path tempDir;
  @RegisterExtension
  final TestStores stores = new TestStores();

  private Store open(DatabaseUrl url) {
    return stores.open(url, 4);
  }

  private Store migrated(StoreKind kind) {
    Store store = stores.fresh(kind, tempDir, 4);
    assertEquals(Migrations.NAMES.size(), Await.of(Migrations.apply(store, Clock.systemUTC())));
    return store;
  }

  private static long count(Store store, String sql, Object... params) {
    return Await.of(store.query(sql, Tuple.from(params))).iterator().next().getLong(0);
  }

  /**
   * SQLite's log is copied into the database file by the checkpointer, off the store's one connection, whose
   * automatic checkpoints (which held every write behind them) are off.
   */
  @Test
  void sqliteCopiesItsLogOffTheWritersConnection() throws Exception {
    DatabaseUrl.Sqlite url = (DatabaseUrl.Sqlite) StoreKind.SQLITE.freshStore(tempDir);
    Path file = url.file();
    Store store = open(url);
    assertEquals(0L, count(store, "PRAGMA wal_autocheckpoint"), "no checkpoint on the writer's connection");
    Await.of(store.query("CREATE TABLE filler (x TEXT)"));
    long before = Files.size(file);
    List<Tuple> rows = new ArrayList<>();
    for (int i = 0; i < 2_000; i++) {
      rows.add(Tuple.of("x".repeat(4_000) + i));
    }
    Await.of(store.inTransaction(tx -> tx.batch("INSERT INTO filler (x) VALUES ($1)", rows)));
    // 8 MB went to the log; the database file grows once the checkpointer has copied them.
    Poll.until(Duration.ofSeconds(10), "the log copied into the database file",
        () -> fileSize(file) >= before + 2_000 * 4_000L);
  }

  /**
   * Under a steady stream of commits a checkpoint that copies the whole log still leaves it growing: SQLite starts
   * a log over only at a write that begins with every frame copied, which a stream never leaves time for. Past
   * {@link SqliteCheckpointer#RESTART_FRAMES} the checkpointer makes it start over (here: cut back to the 64 MiB
   * of journal_size_limit), instead of letting it grow by the whole stream (a fleet run grew it past 1.5 GiB).
   */
  @Test
  void sqliteStartsItsLogOverUnderASteadyStreamOfCommits() throws Exception {
    DatabaseUrl.Sqlite url = (DatabaseUrl.Sqlite) StoreKind.SQLITE.freshStore(tempDir);
    Path log = url.file().resolveSibling(url.file().getFileName() + "-wal");
    Store store = open(url);
    Await.of(store.query("CREATE TABLE filler (x TEXT)"));
    AtomicBoolean streaming = new AtomicBoolean(true);
    Future<Void> stream = commitUntilStopped(store, streaming);
    try {
      List<Tuple> rows = new ArrayList<>();
      for (int i = 0; i < 20_000; i++) {
        rows.add(Tuple.of("x".repeat(4_000) + i));
      }
      Await.of(store.inTransaction(tx -> tx.batch("INSERT INTO filler (x) VALUES ($1)", rows)));
      assertTrue(fileSize(log) > 64L << 20, "80 MB went to the log");
      Poll.until(Duration.ofSeconds(20), "the log started over and cut back while commits go on",
          () -> fileSize(log) <= 64L << 20);
    } finally {
      streaming.set(false);
      Await.of(stream);
    }
  }

  /**
   * The store keeps its SQLite statements prepared for reuse; one kept from before a column was added (as
   * migrations add them) answers with the new column.
   */
  @Test
  void sqliteStatementsKeptPreparedSeeAColumnAddedLater() {
    Store store = open(StoreKind.SQLITE.freshStore(tempDir));
    Await.of(store.query("CREATE TABLE widened (x TEXT)"));
    Await.of(store.query("INSERT INTO widened (x) VALUES ('a')"));
    assertEquals(List.of("x"), Await.of(store.query("SELECT * FROM widened")).columnsNames());
    Await.of(store.query("ALTER TABLE widened ADD COLUMN y TEXT DEFAULT 'b'"));
    RowSet<Row> widened = Await.of(store.query("SELECT * FROM widened"));
    assertEquals(List.of("x", "y"), widened.columnsNames());
    assertEquals("b", widened.iterator().next().getString("y"));
  }

  /**
   * Plain JDBC work runs on the store's one connection (it sees that connection's temporary table) in one
   * transaction: committed when it returns, rolled back when it throws (an Error too); and a plain write after
   * them is committed, as the connection stays in autocommit mode.
   */
  @Test
  void sqliteRunsPlainJdbcWorkInOneTransactionOnItsConnection() {
    DatabaseUrl url = StoreKind.SQLITE.freshStore(tempDir);
    Store store = open(url);
    Await.of(store.query("CREATE TABLE t (x TEXT)"));
    Await.of(store.query("CREATE TEMPORARY TABLE only_on_this_connection (x TEXT)"));
    Await.of(store.inJdbcTransaction(connection -> {
      insert(connection, "INSERT INTO t (x) VALUES ('kept')");
      insert(connection, "INSERT INTO only_on_this_connection (x) VALUES ('kept')");
    }));
    SQLException failure = new SQLException("boom");
    assertSame(failure, Await.failureOf(store.inJdbcTransaction(connection -> {
      insert(connection, "INSERT INTO t (x) VALUES ('undone')");
      throw failure;
    })));
    Error error = new AssertionError("an Error, not an Exception");
    assertSame(error, Await.failureOf(store.inJdbcTransaction(connection -> {
      insert(connection, "INSERT INTO t (x) VALUES ('undone too')");
      throw error;
    })));
    Await.of(store.query("INSERT INTO t (x) VALUES ('after')"));
    stores.close(store);
    assertEquals(List.of("kept", "after"), Await.of(open(url).query("SELECT x FROM t ORDER BY rowid")).stream()
        .map(row -> row.getString(0)).toList(), "committed, undone, and the plain write after them durable");
  }

  /**
   * While plain JDBC work runs, no statement of the pool runs on the connection: one sent meanwhile waits for the
   * work to end (here a second, the work's deadline for seeing it answered), instead of slipping into its
   * transaction and being undone with it.
   */
  @Test
  void sqlitePlainJdbcWorkHasTheConnectionToItself() {
    Store store = open(StoreKind.SQLITE.freshStore(tempDir));
    Await.of(store.query("CREATE TABLE t (x TEXT)"));
    CompletableFuture<Void> begun = new CompletableFuture<>();
    CompletableFuture<Future<RowSet<Row>>> sentMeanwhile = new CompletableFuture<>();
    SQLException undo = new SQLException("undo");
    Future<Void> work = store.inJdbcTransaction(connection -> {
      insert(connection, "INSERT INTO t (x) VALUES ('undone')");
      begun.complete(null);
      try {
        sentMeanwhile.join().toCompletionStage().toCompletableFuture().get(1, TimeUnit.SECONDS);
        throw new AssertionError("the pool's statement ran while the work held the connection");
      } catch (TimeoutException expected) {
        throw undo;
      } catch (InterruptedException | ExecutionException e) {
        throw new AssertionError(e);
      }
    });
    begun.join();
    sentMeanwhile.complete(store.query("INSERT INTO t (x) VALUES ('other')"));
    assertSame(undo, Await.failureOf(work));
    Await.of(sentMeanwhile.join());
    assertEquals(List.of("other"), Await.of(store.query("SELECT x FROM t")).stream().map(row -> row.getString(0))
        .toList(), "the statement sent meanwhile ran after the work, and was not undone with it");
  }

  @Test
  void plainJdbcWorkIsForSqliteOnly() {
    Store store = stores.fresh(StoreKind.POSTGRES, tempDir, 1);
    assertInstanceOf(IllegalStateException.class, Await.failureOf(store.inJdbcTransaction(connection -> {
    })));
    assertInstanceOf(IllegalStateException.class, Await.failureOf(store.withJdbc(connection -> null)));
    assertSame(store, store.reads(), "PostgreSQL's reads go through its pool");
  }

  private static void insert(Connection connection, String sql) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      statement.executeUpdate();
    }
  }

  /** Closing a SQLite store closes its files: no descriptor of this process stays open on the database. */
  @Test
  void closingASqliteStoreClosesItsFiles() throws Exception {
    assumeTrue(Files.isDirectory(Path.of("/proc/self/fd")), "needs Linux's /proc to count open descriptors");
    DatabaseUrl.Sqlite url = (DatabaseUrl.Sqlite) StoreKind.SQLITE.freshStore(tempDir);
    Store store = open(url);
    Await.of(store.query("CREATE TABLE t (x TEXT)"));
    assertTrue(openDescriptors(url.file()) > 0, "open while the store is");
    stores.close(store);
    assertEquals(0, openDescriptors(url.file()));
  }

  /**
   * A new SQLite store is its owner's alone: it holds password and token hashes and the session secret, as a backup
   * does. Today (a helper's probe): the folder and the database, its log and its shared-memory file were created
   * with the process's umask, readable by every user of the machine under the usual 022.
   */
  @Test
  void aNewSqliteStoreIsReadableByItsOwnerAlone() throws Exception {
    assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"), "needs POSIX permissions");
    DatabaseUrl.Sqlite url = new DatabaseUrl.Sqlite(tempDir.resolve("new-folder").resolve("heartgate.db"));
    Store store = open(url);
    Await.of(store.query("CREATE TABLE t (x TEXT)"));
    Await.of(store.query("INSERT INTO t VALUES ('a')"));
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(url.file().getParent())));
    for (String suffix : new String[] {"", "-wal", "-shm"}) {
      Path file = Path.of(url.file() + suffix);
      assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)), file.toString());
    }
  }

  private static long openDescriptors(Path file) throws IOException {
    Path target = file.toAbsolutePath();
    try (Stream<Path> descriptors = Files.list(Path.of("/proc/self/fd"))) {
      return descriptors.filter(descriptor -> {
        try {
          return Files.readSymbolicLink(descriptor).equals(target);
        } catch (IOException e) {
          return false;  // closed meanwhile
        }
      }).count();
    }
  }

  /** One small commit after the other, each as soon as the one before is done, until told to stop. */
  private static Future<Void> commitUntilStopped(Store store, AtomicBoolean streaming) {
    Promise<Void> stopped = Promise.promise();
    commitNext(store, streaming, stopped);
    return stopped.future();
  }

  private static void commitNext(Store store, AtomicBoolean streaming, Promise<Void> stopped) {
    store.query("INSERT INTO filler (x) VALUES ('tick')").onComplete(done -> {
      if (done.failed()) {
        stopped.fail(done.cause());
      } else if (streaming.get()) {
        commitNext(store, streaming, stopped);
      } else {
        stopped.complete();
      }
    });
  }

  private static long fileSize(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void migrationsAreRecordedAndSafeToRunTwice(StoreKind kind) {
    Store store = migrated(kind);
    assertEquals(0, Await.of(Migrations.apply(store, Clock.systemUTC())), "nothing left to apply the second time");
    Row recorded = Await.of(store.query("SELECT version, name, checksum FROM schema_migrations")).iterator().next();
    assertEquals(1, recorded.getInteger("version"));
    assertEquals("V1__initial_schema", recorded.getString("name"));
    assertEquals(64, recorded.getString("checksum").length());
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void firstMigrationCreatesEveryTableTheFeaturesNeed(StoreKind kind) {
    Store store = migrated(kind);
    for (String table : List.of("users", "sessions", "tokens", "agents", "agent_heartbeats", "configs",
        "reporting_rules", "audit_events", "settings")) {
      assertEquals(0L, count(store, "SELECT COUNT(*) FROM " + table + " WHERE 1 = 0"), table);
    }
    Row rule = Await.of(store.query("SELECT name, not_reporting_after_seconds, is_default FROM reporting_rules"))
        .iterator().next();
    assertEquals("Default", rule.getString("name"));
    assertEquals(180, rule.getInteger("not_reporting_after_seconds"));
    assertEquals(1, rule.getInteger("is_default"));
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void foreignKeysAreEnforcedAndCascade(StoreKind kind) {
    Store store = migrated(kind);
    insertUser(store, "u1", "alice", "manager");
    insertToken(store, "t1", "u1");
    Throwable orphan = Await.failureOf(insertTokenFuture(store, "t2", "no-such-user"));
    assertTrue(orphan.getMessage().toLowerCase().contains("foreign key"), orphan.getMessage());
    Await.of(store.query("DELETE FROM users WHERE id = $1", Tuple.of("u1")));
    assertEquals(0L, count(store, "SELECT COUNT(*) FROM tokens"), "deleting a user deletes their tokens");
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void storeRefusesASecondOwner(StoreKind kind) {
    Store store = migrated(kind);
    insertUser(store, "u1", "alice", "owner");
    Throwable second = Await.failureOf(insertUserFuture(store, "u2", "bob", "owner"));
    assertTrue(second.getMessage().toLowerCase().contains("unique"), second.getMessage());
    assertEquals(1L, count(store, "SELECT COUNT(*) FROM users"));
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void parametersMayRepeatAndComeOutOfOrder(StoreKind kind) {
    Store store = migrated(kind);
    Row row = Await.of(store.query("SELECT $2 AS b, $1 AS a, $2 AS again", Tuple.of("one", "two"))).iterator().next();
    assertEquals("two", row.getString("b"));
    assertEquals("one", row.getString("a"));
    assertEquals("two", row.getString("again"));
  }

  /** Several nodes share one database only on PostgreSQL; SQLite is one node's file. */
  @org.junit.jupiter.api.Test
  void nodesStartingTogetherOnPostgresMigrateOnce() {
    DatabaseUrl url = StoreKind.POSTGRES.freshStore(tempDir);
    List<Store> nodes = List.of(open(url), open(url), open(url));
    List<Future<Integer>> runs = nodes.stream().map(node -> Migrations.apply(node, Clock.systemUTC())).toList();
    Await.of(Future.all(runs));
    assertEquals(Migrations.NAMES.size(), runs.stream().mapToInt(Future::result).sum(),
        "each migration applied by exactly one node");
    assertEquals(Migrations.NAMES.size(), count(nodes.get(0), "SELECT COUNT(*) FROM schema_migrations"));
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void editedMigrationStopsStartUp(StoreKind kind) {
    Store store = migrated(kind);
    Await.of(store.query("UPDATE schema_migrations SET checksum = 'x' WHERE version = 1"));
    Throwable e = Await.failureOf(Migrations.apply(store, Clock.systemUTC()));
    assertEquals("migration V1__initial_schema was changed after it was applied to this database; "
        + "restore the released file", e.getMessage());
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void newerSchemaStopsStartUp(StoreKind kind) {
    Store store = migrated(kind);
    Await.of(store.query("INSERT INTO schema_migrations (version, name, checksum, applied_at) "
        + "VALUES (99, 'V99__future', 'x', 0)"));
    Throwable e = Await.failureOf(Migrations.apply(store, Clock.systemUTC()));
    assertTrue(e.getMessage().startsWith("the database schema is at version 99, newer than this Heartgate"),
        e.getMessage());
  }

  /** Regression: vertx-jdbc-client left SQLite in manual-commit mode after a transaction. */
  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void plainWritesAfterATransactionAreDurable(StoreKind kind) {
    DatabaseUrl url = kind.freshStore(tempDir);
    Store first = open(url);
    Await.of(Migrations.apply(first, Clock.systemUTC()));
    Await.of(first.query("INSERT INTO settings (key, value, updated_at) VALUES ($1, 'v', 0)", Tuple.of("k")));
    stores.close(first);
    assertEquals(1L, count(open(url), "SELECT COUNT(*) FROM settings"), "the write survives closing the store");
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void pingAnswersWhileTheStoreIsUp(StoreKind kind) {
    Await.of(migrated(kind).ping());
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void transactionRollsBackWhenItsWorkFails(StoreKind kind) {
    Store store = migrated(kind);
    Throwable e = Await.failureOf(store.inTransaction(connection -> connection
        .query("INSERT INTO settings (key, value, updated_at) VALUES ($1, $2, 0)", Tuple.of("k", "v"))
        .compose(ignored -> Future.failedFuture("boom"))));
    assertEquals("boom", e.getMessage());
    assertEquals(0L, count(store, "SELECT COUNT(*) FROM settings"));
  }

  /**
   * Work that throws instead of failing its Future is rolled back like work that fails: the transaction it began was
   * left open on the connection, and on SQLite's one connection every later write joined it, never committed.
   */
  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aTransactionWhoseWorkThrowsLeavesNoTransactionOpen(StoreKind kind) {
    DatabaseUrl url = kind.freshStore(tempDir);
    Store store = stores.open(url, 1);
    Await.of(Migrations.apply(store, Clock.systemUTC()));
    Throwable e = Await.failureOf(store.inTransaction(connection -> {
      throw new IllegalStateException("thrown");
    }));
    assertEquals("thrown", e.getMessage());
    String insert = "INSERT INTO settings (key, value, updated_at) VALUES ($1, 'v', 0)";
    Await.of(store.query(insert, Tuple.of("after")));
    Await.of(store.inTransaction(connection -> connection.query(insert, Tuple.of("in a transaction after"))));
    assertEquals(2L, count(stores.open(url, 1), "SELECT COUNT(*) FROM settings"),
        "both writes after it committed, seen from another connection");
  }

  @org.junit.jupiter.api.Test
  void sqliteCreatesParentFoldersAndUsesWriteAheadLogging() {
    Path file = tempDir.resolve("a/b/c/heartgate.db");
    Store store = open(new DatabaseUrl.Sqlite(file));
    Await.of(Migrations.apply(store, Clock.systemUTC()));
    assertTrue(file.toFile().isFile());
    assertEquals("wal", Await.of(store.query("PRAGMA journal_mode")).iterator().next().getString(0));
    assertEquals(1, Await.of(store.query("PRAGMA foreign_keys")).iterator().next().getInteger(0));
  }

  @org.junit.jupiter.api.Test
  void sqliteInAFolderThatCannotBeCreatedFailsClearly() throws Exception {
    Path blocker = java.nio.file.Files.writeString(tempDir.resolve("not-a-folder"), "x");
    Throwable e = Await.failureOf(
        Store.open(stores.vertx(), new DatabaseUrl.Sqlite(blocker.resolve("heartgate.db")), 1));
    assertInstanceOf(StoreUnavailableException.class, e);
    assertTrue(e.getMessage().startsWith("cannot use the store sqlite:" + blocker.resolve("heartgate.db")),
        e.getMessage());
  }

  @org.junit.jupiter.api.Test
  void readOnlySqliteFileFailsClearly() throws Exception {
    Path file = tempDir.resolve("ro/heartgate.db");
    Store first = open(new DatabaseUrl.Sqlite(file));
    Await.of(Migrations.apply(first, Clock.systemUTC()));
    stores.close(first);
    java.nio.file.Files.deleteIfExists(Path.of(file + "-wal"));
    java.nio.file.Files.deleteIfExists(Path.of(file + "-shm"));
    assertTrue(file.toFile().setWritable(false) && file.getParent().toFile().setWritable(false));
    try {
      org.junit.jupiter.api.Assumptions.assumeFalse(java.nio.file.Files.isWritable(file),
          "running as a user that can write read-only files (root)");
      Throwable e = Await.failureOf(Store.open(stores.vertx(), new DatabaseUrl.Sqlite(file), 1));
      assertInstanceOf(StoreUnavailableException.class, e);
    } finally {
      file.getParent().toFile().setWritable(true);
      file.toFile().setWritable(true);
    }
  }

  @org.junit.jupiter.api.Test
  void unreachablePostgresFailsClearly() {
    int closedPort = io.heartgate.testsupport.FreePort.find();
    DatabaseUrl url = new DatabaseUrl.Postgres("127.0.0.1", closedPort, "hg", "hg", "secret", null);
    Throwable e = Await.failureOf(Store.open(stores.vertx(), url, 2));
    assertInstanceOf(StoreUnavailableException.class, e);
    assertTrue(e.getMessage().startsWith("cannot use the store postgres://hg:****@127.0.0.1:" + closedPort + "/hg: "),
        e.getMessage());
    assertTrue(!e.getMessage().contains("secret"));
  }

  private static void insertUser(Store store, String id, String username, String role) {
    Await.of(insertUserFuture(store, id, username, role));
  }

  private static Future<?> insertUserFuture(Store store, String id, String username, String role) {
    return store.query("INSERT INTO users (id, username, password_hash, role, created_at, updated_at) "
        + "VALUES ($1, $2, 'x', $3, 0, 0)", Tuple.of(id, username, role));
  }

  private static void insertToken(Store store, String id, String userId) {
    Await.of(insertTokenFuture(store, id, userId));
  }

  private static Future<?> insertTokenFuture(Store store, String id, String userId) {
    return store.query("INSERT INTO tokens (id, name, token_hash, user_id, permissions, source, created_at) "
        + "VALUES ($1, $1, $1, $2, 'configs:read', 'api', 0)", Tuple.of(id, userId));
  }
}
