package io.heartgate.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.heartgate.settings.DatabaseUrl;
import io.heartgate.testsupport.Await;
import io.heartgate.testsupport.SilentProxy;
import io.heartgate.testsupport.TestPostgres;
import io.heartgate.testsupport.TestStores;
import io.heartgate.testsupport.Poll;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * PostgreSQL's connections falling silent, as when the server's host vanishes or a NAT or firewall on the way forgets
 * them, with no reset to say so. Today a statement on such a connection waited until TCP gave up (about 15 minutes),
 * and so did every request given that connection.
 */
class SilentServerTest {
  @RegisterExtension
  final TestStores stores = new TestStores();

  @Test
  void aStatementOnASilentConnectionFailsAsAnOutageAndTheNextOneGetsAConnectionThatAnswers() throws Exception {
    DatabaseUrl.Postgres url = (DatabaseUrl.Postgres) TestPostgres.shared().newDatabase();
    try (SilentProxy proxy = SilentProxy.to(url.host(), url.port())) {
      Store store = stores.open(proxy.inFrontOf(url), 1, 1);
      Await.of(store.query("SELECT 1", Tuple.tuple()));
      proxy.silence();
      Throwable failure = Await.failureOf(store.query("SELECT 2", Tuple.tuple()));
      assertTrue(StoreOutage.in(failure), "answered as the store being unavailable: " + failure);
      // The pool learns of the close a moment after the statement on it failed, and may give the closed connection
      // once more: that is an outage too.
      Poll.until(Duration.ofSeconds(10), "a statement answered on a new connection", () -> {
        try {
          return Await.of(store.query("SELECT 3", Tuple.tuple())).iterator().next().getInteger(0) == 3;
        } catch (RuntimeException e) {
          assertTrue(StoreOutage.in(e), "answered as the store being unavailable: " + e);
          return false;
        }
      });
    }
  }

  /**
   * A connection that waits for nothing is not closed, however long it idles in the pool: closing idle connections
   * would cost a new connection (and its prepared statements) each time, and fail a statement sent just before.
   */
  @Test
  void anIdleConnectionIsKeptPastTheSocketTimeout() throws Exception {
    DatabaseUrl.Postgres url = (DatabaseUrl.Postgres) TestPostgres.shared().newDatabase();
    Store store = stores.open(url, 1, 1);
    Store observer = stores.open(url, 1);
    String backend = "SELECT pg_backend_pid()";
    int before = Await.of(store.query(backend, Tuple.tuple())).iterator().next().getInteger(0);
    Poll.until(Duration.ofSeconds(10), "the server to see the connection idle for twice the timeout", () -> Await.of(
        observer.query("SELECT COALESCE(bool_or(now() - state_change > interval '2 seconds'), false) "
            + "FROM pg_stat_activity WHERE pid = $1 AND state = 'idle'", Tuple.of(before)))
        .iterator().next().getBoolean(0));
    assertEquals(before, Await.of(store.query(backend, Tuple.tuple())).iterator().next().getInteger(0),
        "the same connection");
  }

  /**
   * The auto-delete job's leader whose lead connection falls silent stops leading: PostgreSQL may end that session
   * and give the lock to another node, and the job would then run on both. Today it went on leading, its connection
   * never asked.
   */
  @Test
  void aLeaderWhoseConnectionFallsSilentStopsLeading() throws Exception {
    DatabaseUrl.Postgres url = (DatabaseUrl.Postgres) TestPostgres.shared().newDatabase();
    try (SilentProxy proxy = SilentProxy.to(url.host(), url.port())) {
      Store store = stores.open(proxy.inFrontOf(url), 1, 1);
      Context loop = stores.vertx().getOrCreateContext();
      Leadership leadership = new Leadership(store, AdvisoryLock.AGENT_SWEEP);
      assertTrue(onLoop(loop, leadership::tryLead), "leads");
      assertTrue(onLoop(loop, leadership::tryLead), "still leads while its connection answers");
      proxy.silence();
      Poll.until(Duration.ofSeconds(10), "the leader to learn its lead is gone", () -> !onLoop(loop,
          leadership::tryLead));
      assertFalse(onLoop(loop, () -> Future.succeededFuture(leadership.leads())));
    }
  }

  /**
   * A change whose lock connection falls silent while it runs still ends, and gives the node's own lock back. Today
   * closing that connection waited for a goodbye from a server that no longer answered: the change never ended, and
   * every later change of the node waited for it and got 503.
   */
  @Test
  void aChangeWhoseLockConnectionFallsSilentStillEnds() throws Exception {
    DatabaseUrl.Postgres url = (DatabaseUrl.Postgres) TestPostgres.shared().newDatabase();
    try (SilentProxy proxy = SilentProxy.to(url.host(), url.port())) {
      Store store = stores.open(proxy.inFrontOf(url), 1, 1);
      ExclusiveSection section = new ExclusiveSection(stores.vertx(), store, AdvisoryLock.GROUP_CONTENT, "busy");
      assertEquals("saved", Await.of(section.run(() -> {
        proxy.silence();
        return Future.succeededFuture("saved");
      })));
    }
  }

  private static <T> T onLoop(Context loop, Supplier<Future<T>> action) {
    Promise<T> result = Promise.promise();
    loop.runOnContext(ignored -> action.get().onComplete(result));
    return Await.of(result.future());
  }

  /** An operator reading pg_stat_activity sees which sessions are the gateway's, the migrations' too. */
  @Test
  void everyConnectionNamesItself() throws Exception {
    DatabaseUrl.Postgres url = (DatabaseUrl.Postgres) TestPostgres.shared().newDatabase();
    Store store = stores.open(url, 1, 20);
    String name = "SELECT current_setting('application_name')";
    assertEquals("heartgate", Await.of(store.query(name, Tuple.tuple())).iterator().next().getString(0));
    assertEquals("heartgate", Await.of(store.inTransactionOfItsOwn(connection -> connection.query(name).execute()))
        .iterator().next().getString(0));
  }

  @Test
  void aStatementOfThePoolIsHeldToTheSocketTimeoutAndAMigrationIsNot() throws Exception {
    DatabaseUrl.Postgres url = (DatabaseUrl.Postgres) TestPostgres.shared().newDatabase();
    Store store = stores.open(url, 1, 1);
    assertTrue(StoreOutage.in(Await.failureOf(store.query("SELECT pg_sleep(2.5)", Tuple.tuple()))));
    assertEquals(1, Await.of(store.inTransactionOfItsOwn(connection -> connection
        .query("SELECT pg_sleep(2.5), 1").execute())).iterator().next().getInteger(1));
  }
}
