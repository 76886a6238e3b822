package io.heartgate.heartbeat;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.heartgate.agents.AgentRepository;
import io.heartgate.agents.AgentSummary;
import io.heartgate.labels.LabelFilter;
import io.heartgate.store.Store;
import io.heartgate.testsupport.Await;
import io.heartgate.testsupport.StoreKind;
import io.heartgate.testsupport.TestStores;
import io.vertx.sqlclient.Tuple;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The whole fleet's summary comes from the tally that triggers keep (V9__agent_tally). Checked against a model of
 * the agents after every step of a seeded random run: batches of the writer's own upserts (new agents, changed and
 * unchanged statuses and releases, NULL among them), deletes of one agent, the auto-delete job's batches, and folds
 * of the tally, which must leave one row per pair of (reported status, release) some agent has.
 */
class SummaryTallyTest {
  private static final long NOW = 1_800_000_000_000L;
  /** Longer than the default rule's not-reporting time, and than the auto-delete time this test gives it. */
  private static final long LONG_AGO = NOW - 7_200_000L;
  private static final String[] STATUSES = {"ok", "warn", "fail", "undefined", null};
  /** Reported versions and the release the summary counts each under. */
  private static final Map<String, String> RELEASES = releases();

  @TempDir
  Path tempDir;
  @RegisterExtension
  final TestStores stores = new TestStores();
  private Store store;
  private HeartbeatRepository heartbeats;
  private AgentRepository agents;
  /** The model: every agent the store should hold, by id. */
  private final Map<String, Modelled> model = new TreeMap<>();

  private record Modelled(String status, String version, long lastSeen) {
  }

  private static Map<String, String> releases() {
    Map<String, String> releases = new HashMap<>();
    releases.put("Telegraf 1.39.3 (git: HEAD@eb37a442)", "1.39.3");
    releases.put("Telegraf 1.39.3 (git: HEAD@0000beef)", "1.39.3");
    releases.put("Telegraf 1.38.0", "1.38.0");
    releases.put(null, "unknown");
    return releases;
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void theSummaryCountsWhatTheStoreHoldsThroughWritesDeletesAndFolds(StoreKind kind) {
    store = stores.migrated(kind, tempDir, 2);
    heartbeats = new HeartbeatRepository(store);
    agents = new AgentRepository(store);
    Await.of(store.query("UPDATE reporting_rules SET auto_delete_after_seconds = 3600 WHERE is_default = 1",
        Tuple.tuple()));
    List<String> versions = new ArrayList<>(RELEASES.keySet());
    Random random = new Random(15);
    for (int step = 0; step < 300; step++) {
      int action = random.nextInt(100);
      if (action < 60) {
        write(random, versions);
      } else if (action < 75) {
        deleteOne(random);
      } else if (action < 85) {
        sweep();
      } else {
        Await.of(agents.foldTally());
        assertEquals(pairs(), Await.of(store.query("SELECT COUNT(*) FROM agent_tally", Tuple.tuple()))
            .iterator().next().getLong(0), "after a fold, one row per pair (step " + step + ")");
      }
      assertSummaryMatchesTheModel("step " + step);
    }
  }

  /** One batch of the writer: 1 to 40 agents of 150, sorted by id, a tenth of them long silent. */
  private void write(Random random, List<String> versions) {
    Map<String, AgentHeartbeat> batch = new TreeMap<>();
    int size = 1 + random.nextInt(40);
    for (int i = 0; i < size; i++) {
      String id = "agent-%03d".formatted(random.nextInt(150));
      String status = STATUSES[random.nextInt(STATUSES.length)];
      String version = versions.get(random.nextInt(versions.size()));
      long seen = random.nextInt(10) == 0 ? LONG_AGO : NOW;
      batch.put(id, new AgentHeartbeat(new HeartbeatBody(id, version, "host-" + id, status, null, "[]", null,
          "{\"schema\":1}"), "127.0.0.1", seen, 100));
    }
    Await.of(heartbeats.write(batch.values().stream().map(hb -> new HeartbeatRepository.Coalesced(hb, 1)).toList()));
    batch.forEach((id, hb) -> {
      Modelled before = model.get(id);
      long lastSeen = before == null ? hb.receivedAt() : Math.max(before.lastSeen(), hb.receivedAt());
      model.put(id, new Modelled(hb.body().reportedStatus(), hb.body().version(), lastSeen));
    });
  }

  private void deleteOne(Random random) {
    String id = "agent-%03d".formatted(random.nextInt(150));
    assertEquals(model.remove(id) != null, Await.of(agents.delete(id)));
  }

  /** The auto-delete job's batches (of at most 7) until none is left: every agent silent for over an hour goes. */
  private void sweep() {
    long seenFrom = 0;
    AgentRepository.SilentBatch batch;
    do {
      batch = Await.of(agents.deleteSilent(NOW, 7, seenFrom));
      seenFrom = batch.resumeFrom();
    } while (batch.full());
    model.values().removeIf(agent -> agent.lastSeen() == LONG_AGO);
  }

  private long pairs() {
    Set<List<String>> pairs = new HashSet<>();
    model.values().forEach(agent -> pairs.add(Arrays.asList(agent.status(), agent.version())));
    return pairs.size();
  }

  private void assertSummaryMatchesTheModel(String when) {
    AgentSummary summary = Await.of(agents.summary(NOW, LabelFilter.NONE));
    Map<String, Long> byStatus = new TreeMap<>();
    Map<String, Long> byRelease = new TreeMap<>();
    for (Modelled agent : model.values()) {
      String status = agent.lastSeen() == LONG_AGO ? "not_reporting"
          : agent.status() == null ? "undefined" : agent.status();
      byStatus.merge(status, 1L, Long::sum);
      byRelease.merge(RELEASES.get(agent.version()), 1L, Long::sum);
    }
    assertEquals(model.size(), summary.total(), "total, " + when);
    assertEquals(byStatus, withoutZeros(summary.byStatus()), "by status, " + when);
    assertEquals(byRelease, summary.telegrafVersions().stream()
        .collect(Collectors.toMap(AgentSummary.VersionCount::version, AgentSummary.VersionCount::count, Long::sum,
            TreeMap::new)), "by release, " + when);
  }

  private static Map<String, Long> withoutZeros(Map<String, Long> counts) {
    Map<String, Long> nonZero = new TreeMap<>();
    counts.forEach((status, count) -> {
      if (count != 0) {
        nonZero.put(status, count);
      }
    });
    return nonZero;
  }
}
