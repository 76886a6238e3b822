package io.heartgate.agents;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.heartgate.labels.LabelFilter;
import io.heartgate.store.Store;
import io.heartgate.testsupport.Await;
import io.heartgate.testsupport.StoreKind;
import io.heartgate.testsupport.TestStores;
import io.vertx.core.Future;
import io.vertx.sqlclient.Tuple;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The summary's counts on both stores, in every age bucket and at each of their bounds, at and just past a rule's
 * not-reporting time, with rules whose not-reporting time is shorter and longer than the youngest bucket, an agent
 * naming the default rule as its own, and with a label filter.
 */
class AgentSummaryTest {
  private static final long NOW = 1_800_000_000_000L;
  private static final long MINUTE = 60_000L;

  @TempDir
  Path tempDir;
  @RegisterExtension
  final TestStores stores = new TestStores();
  private Store store;

  private void agent(String id, long agoMs, String reportedStatus, String version, String rule) {
    Await.of(store.query("INSERT INTO agents (id, first_seen, last_seen, reported_status, version, reporting_rule_id) "
        + "VALUES ($1, 0, $2, $3, $4, $5)", Tuple.of(id, NOW - agoMs, reportedStatus, version, rule)));
  }

  private void fill(StoreKind kind) {
    store = stores.migrated(kind, tempDir, 2);
    String rule = "INSERT INTO reporting_rules (id, name, not_reporting_after_seconds, auto_delete_after_seconds, "
        + "is_default, created_at, updated_at) VALUES ($1, $1, $2, NULL, 0, 0, 0)";
    Await.of(store.query(rule, Tuple.of("brief", 1)));
    Await.of(store.query(rule, Tuple.of("slow", 3600)));
    String current = "Telegraf 1.37.0 (git: HEAD@eb37a442)";
    agent("fresh", 10_000, "ok", current, null);
    agent("skewed", -MINUTE, "warn", current, null);
    agent("failing", 20_000, "fail", current, null);
    agent("brief-silent", 2_000, "ok", current, "brief");
    agent("at-rule", 3 * MINUTE, "ok", current, null);
    agent("past-rule", 3 * MINUTE + 1, "ok", current, null);
    agent("just-young", 5 * MINUTE - 1, "ok", "1.36.4", null);
    agent("just-old", 5 * MINUTE, "ok", "1.36.4", null);
    agent("default-silent", 10 * MINUTE, "fail", current, null);
    agent("said-undefined", 10 * MINUTE, "undefined", current, null);
    agent("slow-quiet", 10 * MINUTE, "ok", current, "slow");
    agent("slow-undefined", 10 * MINUTE, "undefined", current, "slow");
    agent("own-default", 10 * MINUTE, "ok", current, "default");
    agent("half-hour", 30 * MINUTE, "ok", current, null);
    agent("no-status", 45 * MINUTE, null, null, "slow");
    agent("hour", 60 * MINUTE, "ok", current, null);
    agent("hours", 120 * MINUTE, "warn", current, null);
    agent("half-day", 12 * 60 * MINUTE, "ok", current, null);
    agent("slow-half-day", 13 * 60 * MINUTE, "ok", current, "slow");
    agent("day", 24 * 60 * MINUTE, "ok", current, null);
    agent("ancient", 3 * 24 * 60 * MINUTE, null, current, null);
    Await.of(store.query("INSERT INTO labels (id, name, description, color, created_at) "
        + "VALUES ('l1', 'edge', '', '#3b82f6', 0)", Tuple.tuple()));
    for (String id : List.of("fresh", "brief-silent", "just-old")) {
      Await.of(store.query("INSERT INTO agent_labels (agent_id, label_id) VALUES ($1, 'l1')", Tuple.of(id)));
    }
  }

  /** A label of that id and name on every agent. */
  private void labelEveryAgent(String label) {
    Await.of(store.query("INSERT INTO labels (id, name, description, color, created_at) "
        + "VALUES ($1, $1, '', '#3b82f6', 0)", Tuple.of(label)));
    Await.of(store.query("INSERT INTO agent_labels (agent_id, label_id) SELECT id, $1 FROM agents", Tuple.of(label)));
  }

  private static Map<String, Long> counts(long... values) {
    Map<String, Long> counts = new LinkedHashMap<>();
    List<String> names = values.length == 5 ? AgentStatus.WIRE_NAMES
        : List.of("lt5m", "lt30m", "lt1h", "lt12h", "lt24h", "older");
    for (int i = 0; i < values.length; i++) {
      counts.put(names.get(i), values[i]);
    }
    return counts;
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void countsEveryAgentOnceByStatusReleaseAndAge(StoreKind kind) {
    fill(kind);
    AgentRepository agents = new AgentRepository(store);

    AgentSummary all = Await.of(agents.summary(NOW, LabelFilter.NONE));
    assertEquals(21, all.total());
    // ok, warn, fail, undefined, not_reporting
    assertEquals(counts(3, 1, 1, 2, 14), all.byStatus());
    assertEquals(counts(7, 6, 2, 2, 2, 2), all.lastReported());
    assertEquals(List.of(new AgentSummary.VersionCount("1.37.0", 18), new AgentSummary.VersionCount("1.36.4", 2),
        new AgentSummary.VersionCount("unknown", 1)), all.telegrafVersions());
    assertEquals(counts(3, 1, 1, 2, 14), Await.of(agents.countByStatus(NOW)));

    AgentSummary labelled = Await.of(agents.summary(NOW, LabelFilter.parse(List.of("l1"))));
    assertEquals(3, labelled.total());
    assertEquals(counts(1, 0, 0, 0, 2), labelled.byStatus());
    assertEquals(counts(2, 1, 0, 0, 0, 0), labelled.lastReported());
    assertEquals(List.of(new AgentSummary.VersionCount("1.37.0", 2), new AgentSummary.VersionCount("1.36.4", 1)),
        labelled.telegrafVersions());
  }

  /** A label every agent carries: the labelled summary (counted apart from the tally) is the whole fleet's. */
  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aLabelOnEveryAgentCountsTheWholeFleet(StoreKind kind) {
    fill(kind);
    labelEveryAgent("all");
    AgentRepository agents = new AgentRepository(store);
    assertEquals(Await.of(agents.summary(NOW, LabelFilter.NONE)),
        Await.of(agents.summary(NOW, LabelFilter.parse(List.of("all")))));
    AgentSummary both = Await.of(agents.summary(NOW, LabelFilter.parse(List.of("all", "l1"))));
    assertEquals(Await.of(agents.summary(NOW, LabelFilter.parse(List.of("l1")))), both, "every label, not any");
    assertEquals(3, both.total());
  }

  /**
   * Read at times when each age bucket in turn holds the most agents, and back: every read gives each bucket the
   * agents whose last heartbeat is that old, whichever bucket the previous read found the largest, and the same as
   * a label every agent carries gives.
   */
  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void countsTheAgesWhicheverBucketHoldsMostAgents(StoreKind kind) {
    fill(kind);
    labelEveryAgent("all");
    List<Long> lastSeen = new ArrayList<>();
    Await.of(store.query("SELECT last_seen FROM agents", Tuple.tuple())).forEach(row -> lastSeen.add(row.getLong(0)));
    AgentRepository agents = new AgentRepository(store);
    long[] later = {0, 20 * MINUTE, 45 * MINUTE, 6 * 60 * MINUTE, 18 * 60 * MINUTE, 5 * 24 * 60 * MINUTE, 0,
        18 * 60 * MINUTE, 20 * MINUTE};
    long[] bounds = {5 * MINUTE, 30 * MINUTE, 60 * MINUTE, 12 * 60 * MINUTE, 24 * 60 * MINUTE, Long.MAX_VALUE};
    Set<Integer> largestSeen = new HashSet<>();
    for (long by : later) {
      long now = NOW + by;
      long[] expected = new long[bounds.length];
      for (long seen : lastSeen) {
        int bucket = 0;
        while (now - seen >= bounds[bucket]) {
          bucket++;
        }
        expected[bucket]++;
      }
      int largest = 0;
      for (int bucket = 1; bucket < expected.length; bucket++) {
        largest = expected[bucket] > expected[largest] ? bucket : largest;
      }
      largestSeen.add(largest);
      for (int read = 1; read <= 2; read++) {
        AgentSummary summary = Await.of(agents.summary(now, LabelFilter.NONE));
        assertEquals(counts(expected), summary.lastReported(), "read " + read + ", " + by / MINUTE + " min later");
        assertEquals(summary, Await.of(agents.summary(now, LabelFilter.parse(List.of("all")))));
      }
    }
    assertEquals(Set.of(0, 1, 2, 3, 4, 5), largestSeen, "each bucket held the most agents at some time");
  }

  /** The listing's ?status= keeps exactly the agents showing that status, as many as the summary counts. */
  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void listsByStatusTheAgentsTheSummaryCounts(StoreKind kind) {
    fill(kind);
    AgentRepository agents = new AgentRepository(store);
    AgentSummary summary = Await.of(agents.summary(NOW, LabelFilter.NONE));
    List<Agent> all = Await.of(agents.page(query(null), SearchSample.NONE, NOW));
    assertEquals(summary.total(), all.size());
    for (String status : AgentStatus.WIRE_NAMES) {
      List<String> showing = all.stream().filter(agent -> agent.status().equals(status)).map(Agent::id).toList();
      List<String> listed = Await.of(agents.page(query(status), SearchSample.NONE, NOW)).stream().map(Agent::id)
          .toList();
      assertEquals(showing, listed, status);
      assertEquals(summary.byStatus().get(status), (long) listed.size(), status);
    }
  }

  private static AgentQuery query(String status) {
    return new AgentQuery(status, null, AgentQuery.SortKey.LAST_SEEN, true, 100, null, LabelFilter.NONE);
  }

  /**
   * Agents deleted while a summary is read (here, on SQLite, right between its reads, as the sweep could) are either
   * all counted as they were or not at all: counted by the reported status and as seen just now, they would be
   * ok and younger than 5 minutes.
   */
  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void readsTheFleetAtOneMomentWhileAgentsAreDeleted(StoreKind kind) {
    fill(kind);
    AgentRepository agents = new AgentRepository(store);
    AgentSummary before = Await.of(agents.summary(NOW, LabelFilter.NONE));

    Future<AgentSummary> read = agents.summary(NOW, LabelFilter.NONE);
    Await.of(store.query("DELETE FROM agents WHERE last_seen < $1", Tuple.of(NOW - 5 * MINUTE)));
    AgentSummary during = Await.of(read);

    AgentSummary after = Await.of(agents.summary(NOW, LabelFilter.NONE));
    assertEquals(8, after.total());
    assertEquals(Map.of("ok", 2L, "warn", 1L, "fail", 1L, "not_reporting", 4L), Await.of(agents.countByStatus(NOW)),
        "a status no agent has is absent");
    assertTrue(during.equals(before) || during.equals(after), "one moment's counts, not a mix: " + during);
  }
}
