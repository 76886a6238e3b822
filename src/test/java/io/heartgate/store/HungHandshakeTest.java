package io.heartgate.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.heartgate.settings.DatabaseUrl;
import io.heartgate.testsupport.Await;
import io.heartgate.testsupport.Poll;
import io.heartgate.testsupport.SilentProxy;
import io.heartgate.testsupport.TestPostgres;
import io.heartgate.testsupport.TestStores;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A server (or a path to it) that accepts TCP but never answers the startup handshake: no byte back, no reset. The
 * pool's connect must not wait for it forever, holding one of the pool's slots, or the pool is left without
 * connections for good once it made as many such connects as it has slots, the server answering again or not.
 */
class HungHandshakeTest {
  @RegisterExtension
  final TestStores stores = new TestStores();

  @Test
  void aConnectWhoseHandshakeIsNeverAnsweredGivesItsSlotBack() throws Exception {
    DatabaseUrl.Postgres url = (DatabaseUrl.Postgres) TestPostgres.shared().newDatabase();
    try (SilentProxy proxy = SilentProxy.to(url.host(), url.port())) {
      Store store = stores.open(proxy.inFrontOf(url), 1, 1);
      Await.of(store.query("SELECT 1", Tuple.tuple()));
      // The open connection falls silent (closed by the socket timeout), and new ones are accepted but never answered.
      proxy.holdNew();
      proxy.silence();
      Throwable failure = Await.failureOf(store.query("SELECT 2", Tuple.tuple()));
      assertTrue(StoreOutage.in(failure), "an outage: " + failure);
      // Until a new connect was made (the pool may first give the closed connection once more).
      Poll.until(Duration.ofSeconds(60), "a connect to the silent server", () -> {
        Throwable next = Await.failureOf(store.query("SELECT 3", Tuple.tuple()));
        assertTrue(StoreOutage.in(next), "an outage: " + next);
        return proxy.heldCount() > 0;
      });
      proxy.forwardNew();
      // Today the pool's one slot stayed with the hung connect: every statement waited 10 s for a connection and
      // failed, for as long as the node ran (watched for 3 minutes), and no new connect was made.
      Poll.until(Duration.ofSeconds(30), "a statement answered once the server answers again", () -> {
        try {
          return Await.of(store.query("SELECT 4", Tuple.tuple())).iterator().next().getInteger(0) == 4;
        } catch (RuntimeException e) {
          assertTrue(StoreOutage.in(e), "an outage: " + e);
          return false;
        }
      });
      // And the hung connect was given up, not left open.
      Poll.until(Duration.ofSeconds(5), "every held connection ended by the client",
          () -> proxy.heldEnded() == proxy.heldCount());
    }
  }

  // Today the lead of the auto-delete job was asked for on a connection apart from the pool, with no bound on its
  // handshake: unanswered, the node waited for it for good and never ran the job again, whoever held the lead.
  @Test
  void aConnectionApartFromThePoolWhoseHandshakeIsNeverAnsweredFailsAndTheNextOneLeads() throws Exception {
    DatabaseUrl.Postgres url = (DatabaseUrl.Postgres) TestPostgres.shared().newDatabase();
    try (SilentProxy proxy = SilentProxy.to(url.host(), url.port())) {
      Store store = stores.open(proxy.inFrontOf(url), 1, 1);
      Leadership leadership = new Leadership(store, AdvisoryLock.AGENT_SWEEP);
      proxy.holdNew();
      Throwable failure = Await.failureOf(leadership.tryLead());
      assertTrue(StoreOutage.in(failure), "an outage: " + failure);
      assertEquals(1, proxy.heldCount());
      proxy.forwardNew();
      assertTrue(Await.of(leadership.tryLead()), "leads once the server answers again");
      Poll.until(Duration.ofSeconds(5), "the held connection ended by the client", () -> proxy.heldEnded() == 1);
    }
  }

  // Today the change feed connected again through vertx-pg-client's subscriber, whose connects had no bound on their
  // handshake: one left unanswered left the node deaf to the other nodes for good (a token revoked on another node
  // was honoured here until its grant left the cache).
  @Test
  void theChangeFeedListensAgainPastAHandshakeNeverAnswered() throws Exception {
    DatabaseUrl.Postgres url = (DatabaseUrl.Postgres) TestPostgres.shared().newDatabase();
    try (SilentProxy proxy = SilentProxy.to(url.host(), url.port())) {
      Store viaProxy = stores.open(proxy.inFrontOf(url), 1, 1);
      Store direct = stores.open(url, 1, 20);
      BlockingQueue<String> heard = new LinkedBlockingQueue<>();
      AtomicInteger subscribed = new AtomicInteger();
      ChangeFeed feed = Await.of(ChangeFeed.listen(stores.vertx(), viaProxy, "hung_handshake", heard::add,
          subscribed::incrementAndGet, () -> { }));
      try {
        proxy.holdNew();
        proxy.silence();
        Poll.until(Duration.ofSeconds(30), "a connect to the silent server", () -> proxy.heldCount() > 0);
        proxy.forwardNew();
        Poll.until(Duration.ofSeconds(30), "listening again", () -> subscribed.get() == 2);
        Await.of(ChangeFeed.notify(direct, "hung_handshake", "heard"));
        assertEquals("heard", heard.poll(10, TimeUnit.SECONDS));
      } finally {
        Await.of(feed.close());
      }
    }
  }

  /**
   * The handshake's timer ends with the handshake: a connection that finished it is not closed when the timer would
   * have fired, neither while a statement runs past it nor idle in the pool (no socket timeout here).
   */
  @Test
  void aConnectionWhoseHandshakeWasAnsweredOutlivesTheHandshakeTimeout() {
    DatabaseUrl.Postgres url = (DatabaseUrl.Postgres) TestPostgres.shared().newDatabase();
    Store store = stores.open(url, 1, 0);
    int before = Await.of(store.query("SELECT pg_sleep(6), pg_backend_pid()", Tuple.tuple())).iterator().next()
        .getInteger(1);
    assertEquals(before, Await.of(store.query("SELECT pg_backend_pid()",
        Tuple.tuple())).iterator().next().getInteger(0), "the same connection");
  }
}
