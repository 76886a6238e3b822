package io.heartgate.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.heartgate.core.Unavailable;
import io.heartgate.settings.DatabaseUrl;
import io.heartgate.testsupport.Await;
import io.heartgate.testsupport.Poll;
import io.heartgate.testsupport.SilentProxy;
import io.heartgate.testsupport.StoreKind;
import io.heartgate.testsupport.TestPostgres;
import io.heartgate.testsupport.TestStores;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * How many runs may wait for an exclusive section, and the PostgreSQL connection that holds its lock. Runs waiting
 * were not bounded before (a helper's probe): 200 clients saving configs of 900 KB from eight addresses, each
 * holding a request of up to 1 MiB of TOML parsed, halted a node of 256 MiB in 16 s, with the store healthy.
 */
class ExclusiveSectionTest {
  @TempDir
  Path tempDir;
  @RegisterExtension
  final TestStores stores = new TestStores();

  @Test
  void runsBeyondTheWaitingBoundAre503AtOnceAndTheOthersRunInTurn() {
    Store store = stores.fresh(StoreKind.SQLITE, tempDir, 1);
    ExclusiveSection section = new ExclusiveSection(stores.vertx(), store, AdvisoryLock.GROUP_CONTENT,
        "Another change is being saved; try again");
    Promise<Void> release = Promise.promise();
    Promise<Void> started = Promise.promise();
    Future<Void> running = section.run(() -> {
      started.complete();
      return release.future();
    });
    // The lock is taken asynchronously: until then the first run counts as waiting too.
    Await.of(started.future());
    List<Future<Integer>> waiting = new ArrayList<>();
    for (int i = 0; i < ExclusiveSection.MAX_WAITING; i++) {
      int run = i;
      waiting.add(section.run(() -> Future.succeededFuture(run)));
    }
    Future<Integer> beyond = section.run(() -> Future.succeededFuture(-1));
    assertTrue(beyond.failed(), "refused at once, not after waiting its 10 s");
    Unavailable refused = assertInstanceOf(Unavailable.class, beyond.cause());
    assertEquals("Another change is being saved; try again", refused.getMessage());
    release.complete();
    Await.of(running);
    for (int i = 0; i < waiting.size(); i++) {
      assertEquals(i, Await.of(waiting.get(i)));
    }
  }

  /**
   * Changes in a row hold the lock on one connection, which gives the lock back after each and is closed once idle.
   * Today each change opened a PostgreSQL session of its own (a new server process: about 29 ms here, most of a
   * change's time) and closed it.
   */
  @Test
  void changesInARowHoldTheLockOnOneConnectionClosedOnceIdle() {
    DatabaseUrl url = TestPostgres.shared().newDatabase();
    Store store = stores.open(url, 2, 20);
    Store observer = stores.open(url, 1);
    ExclusiveSection section = section(store);
    Set<Integer> holders = new HashSet<>();
    for (int i = 0; i < 5; i++) {
      holders.add(Await.of(section.run(() -> lockHolder(observer))));
      assertEquals(0, holdersNow(observer), "the lock is given back after each change");
    }
    assertEquals(1, holders.size(), "one connection held the lock for every change: " + holders);
    int holder = holders.iterator().next();
    Poll.until(Duration.ofSeconds(ExclusiveSection.KEEP_MS / 1000 + 10), "the idle lock connection to be closed",
        () -> !alive(observer, holder));
  }

  /** A kept connection that PostgreSQL ended (a restart, an administrator) is replaced, not failed on. */
  @Test
  void aKeptConnectionEndedByTheServerIsReplaced() {
    DatabaseUrl url = TestPostgres.shared().newDatabase();
    Store store = stores.open(url, 2, 20);
    Store observer = stores.open(url, 1);
    ExclusiveSection section = section(store);
    int first = Await.of(section.run(() -> lockHolder(observer)));
    Await.of(observer.query("SELECT pg_terminate_backend($1)", Tuple.of(first)));
    Poll.until(Duration.ofSeconds(10), "the server to end the kept connection", () -> !alive(observer, first));
    int second = Await.of(section.run(() -> lockHolder(observer)));
    assertNotEquals(first, second);
  }

  /** A kept connection fallen silent (a NAT or firewall forgot it) fails at its first statement and is replaced. */
  @Test
  void aKeptConnectionFallenSilentIsReplaced() {
    DatabaseUrl.Postgres url = (DatabaseUrl.Postgres) TestPostgres.shared().newDatabase();
    try (SilentProxy proxy = SilentProxy.to(url.host(), url.port())) {
      Store store = stores.open(proxy.inFrontOf(url), 2, 1);
      Store observer = stores.open(url, 1);
      ExclusiveSection section = section(store);
      int first = Await.of(section.run(() -> lockHolder(observer)));
      proxy.silence();
      int second = Await.of(section.run(() -> lockHolder(observer)));
      assertNotEquals(first, second);
    }
  }

  /**
   * The wait for a lock another node holds is silent by design (PostgreSQL answers when it is granted or the wait
   * timed out), so a connection held to the socket timeout once may still wait longer than that for the lock.
   */
  @Test
  void aWaitForTheLockOutlastsTheSocketTimeout() throws Exception {
    DatabaseUrl url = TestPostgres.shared().newDatabase();
    Store store = stores.open(url, 2, 1);
    Store observer = stores.open(url, 1);
    ExclusiveSection section = section(store);
    int kept = Await.of(section.run(() -> lockHolder(observer)));
    PgConnection holder = Await.of(PgConnection.connect(stores.vertx(),
        TestPostgres.connectOptions((DatabaseUrl.Postgres) url)));
    Future<Integer> waiting;
    try {
      Await.of(holder.query("SELECT pg_advisory_lock(" + AdvisoryLock.GROUP_CONTENT.key() + ")").execute());
      waiting = section.run(() -> lockHolder(observer));
      Poll.until(Duration.ofSeconds(10), "the kept connection to wait for the lock twice the socket timeout",
          () -> Await.of(observer.query("SELECT COUNT(*) FROM pg_stat_activity WHERE pid = $1 "
              + "AND wait_event = 'advisory' AND now() - query_start > interval '2 seconds'", Tuple.of(kept)))
              .iterator().next().getLong(0) == 1);
    } finally {
      Await.of(holder.close());
    }
    // A connection closed by the socket timeout leaves its server process waiting, unaware, until it is granted.
    assertEquals(kept, Await.of(waiting), "the change ran with the lock its kept connection waited for");
  }

  private ExclusiveSection section(Store store) {
    return new ExclusiveSection(stores.vertx(), store, AdvisoryLock.GROUP_CONTENT, "busy");
  }

  private static final String HOLDERS = "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND objid = "
      + (AdvisoryLock.GROUP_CONTENT.key() & 0xFFFFFFFFL)
      + " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())";

  /** The backend holding the section's lock, asked from another connection while the work runs. */
  private static Future<Integer> lockHolder(Store observer) {
    return observer.query(HOLDERS, Tuple.tuple()).map(rows -> {
      assertEquals(1, rows.size(), "one holder");
      return rows.iterator().next().getInteger(0);
    });
  }

  private static int holdersNow(Store observer) {
    return Await.of(observer.query(HOLDERS, Tuple.tuple())).size();
  }

  private static boolean alive(Store observer, int pid) {
    Row row = Await.of(observer.query("SELECT COUNT(*) FROM pg_stat_activity WHERE pid = $1", Tuple.of(pid)))
        .iterator().next();
    return row.getLong(0) > 0;
  }
}
