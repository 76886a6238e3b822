package io.heartgate.heartbeat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.heartgate.agents.AgentRepository;
import io.heartgate.bus.Addresses;
import io.heartgate.bus.LocalCodec;
import io.heartgate.core.Unavailable;
import io.heartgate.metrics.HeartbeatMeters;
import io.heartgate.metrics.HeartbeatMeters.Refusal;
import io.heartgate.settings.SettingsLoader;
import io.heartgate.store.Store;
import io.heartgate.testsupport.Await;
import io.heartgate.testsupport.MovableClock;
import io.heartgate.testsupport.StoreKind;
import io.heartgate.testsupport.TestStores;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The writer's group commit over the event bus, against both stores: every acknowledgement means committed. */
class HeartbeatWriterTest {
  @TempDir
  Path tempDir;
  @RegisterExtension
  final TestStores stores = new TestStores();
  private final Vertx vertx = stores.vertx();
  private final MovableClock clock = new MovableClock();
  /** The writer's meters, read back as the scrape would. */
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  /** The router event loop the heartbeats are sent from, and its hand-off, as the routes have them. */
  private final Context routerLoop = vertx.getOrCreateContext();
  private HeartbeatHandOff handOff;
  private Store store;

  private void deployWriter(StoreKind kind, int capacity) {
    deployWriter(kind, capacity, SettingsLoader.load(List.of(), Map.of()).heartbeatCommitWindow());
  }

  /** Deploys the writer with this commit window; its deployment id. */
  private String deployWriter(StoreKind kind, int capacity, Duration commitWindow) {
    LocalCodec.register(vertx, HeartbeatBatch.class);
    LocalCodec.register(vertx, HeartbeatBatch.Outcome.class);
    store = stores.migrated(kind, tempDir, 4);
    HeartbeatMeters meters = new HeartbeatMeters(registry, store.dialect().name().toLowerCase(Locale.ROOT));
    HeartbeatBacklog backlog = new HeartbeatBacklog(capacity, Long.MAX_VALUE);
    meters.watchQueue(backlog::waiting, backlog::waitingBytes);
    handOff = new HeartbeatHandOff(routerLoop, backlog);
    return Await.of(vertx.deployVerticle(new HeartbeatWriterVerticle(store, clock, meters, backlog, commitWindow)));
  }

  private Future<Object> send(String agentId, long receivedAt) {
    return send(agentId, receivedAt, 100);
  }

  private Future<Object> send(String agentId, long receivedAt, int bodyBytes) {
    return send(heartbeat(agentId, receivedAt, bodyBytes));
  }

  /** Through the routes' hand-off, on one event loop: heartbeats sent in a row travel to the writer together. */
  private Future<Object> send(AgentHeartbeat heartbeat) {
    Promise<Object> settled = Promise.promise();
    routerLoop.runOnContext(ignored -> handOff.submit(heartbeat).<Object>mapEmpty().onComplete(settled));
    return settled.future();
  }

  /**
   * Sends the heartbeat alone and returns once the writer has taken it in: the hand-off sends it at the end of the
   * loop's turn, and an empty batch sent after that is answered once the writer has handled everything before it.
   */
  private Future<Object> sendIntoWriter(String agentId, long receivedAt) {
    Promise<Object> settled = Promise.promise();
    Promise<Object> takenIn = Promise.promise();
    routerLoop.runOnContext(ignored -> {
      handOff.submit(heartbeat(agentId, receivedAt, 100)).<Object>mapEmpty().onComplete(settled);
      routerLoop.runOnContext(afterTheHandOff -> vertx.eventBus()
          .request(Addresses.HEARTBEAT_WRITE, new HeartbeatBatch(List.of())).onComplete(takenIn));
    });
    Await.of(takenIn.future());
    return settled.future();
  }

  private static AgentHeartbeat heartbeat(String agentId, long receivedAt, int bodyBytes) {
    return heartbeat(agentId, receivedAt, bodyBytes, null);
  }

  /** @param logs the stored log entries, compact JSON, or null when the agent sent none */
  private static AgentHeartbeat heartbeat(String agentId, long receivedAt, int bodyBytes, String logs) {
    return new AgentHeartbeat(new HeartbeatBody(agentId, "Telegraf 1.39.3", "host-" + agentId, "ok", null, "[]",
        logs, "{\"schema\":1}"), "127.0.0.1", receivedAt, bodyBytes);
  }

  /** Sends one heartbeat with these logs and waits for its acknowledgement. */
  private void sendWithLogs(String agentId, long receivedAt, String logs) {
    Await.of(send(heartbeat(agentId, receivedAt, 100, logs)));
  }

  /** The logs stored as the agent's latest heartbeat details. */
  private String storedLogs(String agentId) {
    return Await.of(store.query("SELECT logs FROM agent_heartbeats WHERE agent_id = $1", Tuple.of(agentId)))
        .iterator().next().getString("logs");
  }

  /**
   * Holds the agents table until the returned promise completes, so that the writer's next batch waits: on SQLite
   * by holding the one connection in a write transaction, on PostgreSQL by an exclusive table lock.
   */
  private Promise<Void> holdTheStore(StoreKind kind) {
    Promise<Void> release = Promise.promise();
    Promise<Void> held = Promise.promise();
    store.inTransaction(connection -> (kind == StoreKind.POSTGRES
            ? connection.query("LOCK TABLE agents IN EXCLUSIVE MODE").<Void>mapEmpty()
            : Future.<Void>succeededFuture())
        .onSuccess(held::tryComplete)
        .compose(locked -> release.future()));
    Await.of(held.future());
    return release;
  }

  private Row totals() {
    return Await.of(store.query("SELECT COUNT(*) AS agents, SUM(heartbeats) AS heartbeats, MAX(last_seen) AS newest "
        + "FROM agents")).iterator().next();
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void everyAcknowledgedHeartbeatIsStoredAndRepeatsCoalesce(StoreKind kind) {
    deployWriter(kind, 100_000);
    List<Future<Object>> replies = new ArrayList<>();
    for (int round = 1; round <= 3; round++) {
      for (int agent = 0; agent < 1_000; agent++) {
        replies.add(send("agent-" + agent, round));
      }
    }
    Await.of(Future.all(replies));
    Row totals = totals();
    assertEquals(1_000L, totals.getLong("agents"));
    assertEquals(3_000L, totals.getLong("heartbeats"), "coalesced heartbeats still count");
    assertEquals(3L, totals.getLong("newest"), "the newest heartbeat of each agent wins");
  }

  /**
   * A batch of few agents waits until the commit window since the previous batch started is over, and heartbeats
   * arriving meanwhile share it; a queue full enough is written at once, and a node stopping writes what waits.
   */
  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void smallBatchesWaitForTheCommitWindowAndFullOnesDoNot(StoreKind kind) {
    String writer = deployWriter(kind, 1_000, Duration.ofMinutes(10));
    Await.of(send("first", 1));
    Future<Object> waiting = sendIntoWriter("waiting", 2);
    assertFalse(waiting.isComplete(), "a batch of one agent waits for the window");
    assertEquals(1L, totals().getLong("agents"));
    List<Future<Object>> more = new ArrayList<>();
    for (int agent = 1; agent < CommitWindow.FULL_ENOUGH; agent++) {
      more.add(send("agent-" + agent, 3));
    }
    Await.of(Future.all(more));
    Await.of(waiting);
    DistributionSummary batches = registry.get("heartgate.heartbeat.batch.rows").summary();
    assertEquals(2, batches.count(), "the waiting agent and those that filled the queue were one batch");
    assertEquals(1 + CommitWindow.FULL_ENOUGH, batches.totalAmount());
    Future<Object> last = sendIntoWriter("last", 4);
    assertFalse(last.isComplete(), "the window started by the full batch holds the next one");
    Await.of(vertx.undeploy(writer));
    Await.of(last);
    assertEquals(2L + CommitWindow.FULL_ENOUGH, totals().getLong("agents"));
  }

  /** A batch held by the window is written when the window ends, with nothing else arriving. */
  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aBatchHeldByTheCommitWindowIsWrittenWhenItEnds(StoreKind kind) {
    deployWriter(kind, 1_000, Duration.ofMillis(200));
    Await.of(send("first", 1));
    Await.of(send("alone", 2));
    assertEquals(2, registry.get("heartgate.heartbeat.batch.rows").summary().count());
    assertEquals(2L, totals().getLong("agents"));
  }

  /** With fewer places in the queue than make a batch full enough, a full queue does not wait for the window. */
  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aQueueSmallerThanABatchFullEnoughDoesNotWait(StoreKind kind) {
    deployWriter(kind, 4, Duration.ofMinutes(10));
    Await.of(send("first", 1));
    List<Future<Object>> four = new ArrayList<>();
    for (int agent = 1; agent <= 4; agent++) {
      four.add(send("agent-" + agent, 2));
    }
    Await.of(Future.all(four));
    assertEquals(5L, totals().getLong("agents"));
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void fullQueueAnswers503AndOnlyAcknowledgedHeartbeatsAreStored(StoreKind kind) {
    deployWriter(kind, 10);
    List<Future<Object>> replies = new ArrayList<>();
    for (int agent = 0; agent < 500; agent++) {
      replies.add(send("agent-" + agent, 1));
    }
    Await.failureOf(Future.all(replies));
    Await.of(Future.join(replies).otherwiseEmpty());
    long acknowledged = replies.stream().filter(Future::succeeded).count();
    List<Throwable> refused = replies.stream().filter(Future::failed).map(Future::cause).toList();
    assertTrue(acknowledged >= 10 && !refused.isEmpty(), acknowledged + " acknowledged");
    Unavailable full = assertInstanceOf(Unavailable.class, refused.get(0));
    assertEquals("Too many heartbeats waiting for the store; try again later", full.getMessage());
    assertEquals(Refusal.QUEUE_FULL, HeartbeatRoutes.refusal(503, full), "counted as queue_full by the routes");
    assertEquals(acknowledged, totals().getLong("agents"));
    assertEquals(acknowledged, registry.get("heartgate.heartbeats.acknowledged").counter().count());
    assertTrue(registry.get("heartgate.heartbeat.batch.rows").summary().count() >= 1);
    assertEquals(0.0, registry.get("heartgate.heartbeat.queue.requests").gauge().value(), "every request answered");
    assertEquals(0.0, registry.get("heartgate.heartbeat.queue.bytes").gauge().value());
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void storeFailureIsNeverAcknowledged(StoreKind kind) {
    deployWriter(kind, 1_000);
    Await.of(store.query("DROP TABLE agent_heartbeats"));
    // The labels of agents refer to them: PostgreSQL drops that reference with the table only when told to.
    Await.of(store.query("DROP TABLE agents" + (kind == StoreKind.POSTGRES ? " CASCADE" : "")));
    Unavailable failed = assertInstanceOf(Unavailable.class, Await.failureOf(send("agent-1", 1)));
    assertEquals("The store is unavailable; try again later", failed.getMessage());
    assertEquals(Refusal.STORE_UNAVAILABLE, HeartbeatRoutes.refusal(503, failed));
    assertEquals(0.0, registry.get("heartgate.heartbeats.acknowledged").counter().count());
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void bytesWaitingAreBoundedAsWellAsCount(StoreKind kind) {
    deployWriter(kind, 100_000);
    Promise<Void> release = holdTheStore(kind);
    int third = (int) (HeartbeatBacklog.MAX_WAITING_BYTES / 3) + 1;
    Future<Object> first = send("big-1", 1, third);
    Future<Object> second = send("big-2", 1, third);
    Unavailable full = assertInstanceOf(Unavailable.class, Await.failureOf(send("big-3", 1, third)));
    assertEquals("Too many heartbeats waiting for the store; try again later", full.getMessage());
    assertEquals(Refusal.QUEUE_FULL, HeartbeatRoutes.refusal(503, full));
    Future<Object> small = send("small", 1, 1_000);
    release.complete();
    Await.of(Future.all(first, second, small));
    assertEquals(3L, totals().getLong("agents"), "a small heartbeat still fit beside the big ones; big-3 was refused and not written");
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void heartbeatsThatWaitedTooLongAreRefusedAndNotWritten(StoreKind kind) {
    deployWriter(kind, 100_000);
    Promise<Void> release = holdTheStore(kind);
    Future<Object> inFlight = sendIntoWriter("taken-first", 1);
    Future<Object> queued = sendIntoWriter("queued-behind", 1);
    clock.advance(Duration.ofMillis(HeartbeatWriterVerticle.MAX_QUEUE_WAIT_MS + 1));
    release.complete();

    Await.of(inFlight);
    Unavailable refused = assertInstanceOf(Unavailable.class, Await.failureOf(queued));
    assertEquals("The heartbeat waited too long for the store; try again later", refused.getMessage());
    assertEquals(Refusal.WAITED_TOO_LONG, HeartbeatRoutes.refusal(503, refused));
    assertEquals(1L, totals().getLong("agents"), "the refused heartbeat was not written");
    Await.of(send("queued-behind", 2));
    assertEquals(2L, totals().getLong("agents"), "the writer goes on");
  }

  // Today: while the store hung mid-commit nothing expired, since only the next batch looked; every heartbeat went
  // on waiting, its request unanswered for 60 s, and the queue held all of them until the store came back. A node
  // of 256 MiB whose PostgreSQL stopped answering died of it within a minute of agents reporting.
  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void queuedHeartbeatsAreRefusedInTimeWhileTheStoreHangs(StoreKind kind) {
    deployWriter(kind, 100_000);
    Promise<Void> release = holdTheStore(kind);
    Future<Object> inFlight = sendIntoWriter("taken-first", 1);
    Future<Object> queued = sendIntoWriter("queued-behind", 1);
    clock.advance(Duration.ofMillis(HeartbeatWriterVerticle.MAX_QUEUE_WAIT_MS + 1));

    Unavailable refused = assertInstanceOf(Unavailable.class, Await.failureOf(queued));
    assertEquals(Refusal.WAITED_TOO_LONG, HeartbeatRoutes.refusal(503, refused));
    assertEquals(1.0, registry.get("heartgate.heartbeat.queue.requests").gauge().value(),
        "only the heartbeat being written still holds its place");
    assertFalse(inFlight.isComplete(), "the store still holds the batch being written");
    release.complete();
    Await.of(inFlight);
    assertEquals(1L, totals().getLong("agents"), "the refused heartbeat was not written");
  }

  // Today: a heartbeat's place counted its body alone, though waiting it holds its parsed fields, the writer's
  // entry and its request besides: 50,000 small heartbeats passed as a few megabytes.
  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aWaitingHeartbeatWeighsMoreThanItsBody(StoreKind kind) {
    deployWriter(kind, 1_000_000);
    Promise<Void> release = holdTheStore(kind);
    int tiny = (int) (HeartbeatBacklog.MAX_WAITING_BYTES / HeartbeatBacklog.PER_HEARTBEAT_BYTES) + 100;
    List<Future<Object>> replies = new ArrayList<>();
    for (int agent = 0; agent < tiny; agent++) {
      replies.add(send("tiny-" + agent, 1, 10));
    }
    Unavailable full = assertInstanceOf(Unavailable.class, Await.failureOf(Future.all(replies)));
    assertEquals(Refusal.QUEUE_FULL, HeartbeatRoutes.refusal(503, full));
    release.complete();
    Await.of(Future.join(replies).otherwiseEmpty());
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void detailsAreStoredWhenTheyChangeAndAgainWhenTheyChangeBack(StoreKind kind) {
    deployWriter(kind, 1_000);
    String first = "[{\"message\":\"disk full\"}]";
    String second = "[{\"message\":\"disk fine\"}]";
    sendWithLogs("changing", 1, first);
    assertEquals(first, storedLogs("changing"));
    sendWithLogs("changing", 2, second);
    assertEquals(second, storedLogs("changing"));
    sendWithLogs("changing", 3, null);
    assertNull(storedLogs("changing"), "no logs is a change too");
    sendWithLogs("changing", 4, first);
    assertEquals(first, storedLogs("changing"), "back as they were first");
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void anAgentDeletedAndBackWithTheSameDetailsHasThemAgain(StoreKind kind) {
    deployWriter(kind, 1_000);
    String logs = "[{\"message\":\"disk full\"}]";
    sendWithLogs("returning", 1, logs);
    Await.of(new AgentRepository(store).delete("returning"));
    sendWithLogs("returning", 2, logs);
    assertEquals(logs, storedLogs("returning"));
  }

  /**
   * SQLite keeps the hash of the stored details in the agents row and writes details only when the new hash differs:
   * details the hash says are stored are not written again, and an agent without a hash (written by an earlier
   * release) gets its details written. Shown by changing the stored details behind the hash's back.
   */
  @Test
  void onSqliteDetailsAreWrittenUnlessTheStoredHashSaysTheyAreThere() {
    deployWriter(StoreKind.SQLITE, 1_000);
    String logs = "[{\"message\":\"disk full\"}]";
    sendWithLogs("hashed", 1, logs);
    Await.of(store.query("UPDATE agent_heartbeats SET logs = 'changed behind the hash' WHERE agent_id = 'hashed'"));
    sendWithLogs("hashed", 2, logs);
    assertEquals("changed behind the hash", storedLogs("hashed"), "the same details as the hash's are not written");

    Await.of(store.query("UPDATE agents SET details_hash = NULL WHERE id = 'hashed'"));
    sendWithLogs("hashed", 3, logs);
    assertEquals(logs, storedLogs("hashed"), "without a hash, the details are written");
    assertEquals(3L, Await.of(store.query("SELECT heartbeats FROM agents WHERE id = 'hashed'")).iterator().next()
        .getLong("heartbeats"));
  }
}
