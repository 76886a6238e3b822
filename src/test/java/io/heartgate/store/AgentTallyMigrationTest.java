package io.heartgate.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.heartgate.agents.AgentRepository;
import io.heartgate.agents.AgentSummary;
import io.heartgate.labels.LabelFilter;
import io.heartgate.testsupport.Await;
import io.heartgate.testsupport.StoreKind;
import io.heartgate.testsupport.TestStores;
import io.vertx.sqlclient.Tuple;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * V9__agent_tally upgrades a store the previous release (V8) wrote: the agents already there are in the tally the
 * summary reads, and agents written after it are added to their counts.
 */
class AgentTallyMigrationTest {
  @TempDir
  Path tempDir;
  @RegisterExtension
  final TestStores stores = new TestStores();

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aV8StoreUpgradesWithEveryAgentCounted(StoreKind kind) {
    Store store = stores.fresh(kind, tempDir, 2);
    List<String> previousRelease = Migrations.NAMES.subList(0, Migrations.NAMES.indexOf("V9__agent_tally"));
    Await.of(Migrations.apply(store, Clock.systemUTC(), previousRelease));
    String insert =
        "INSERT INTO agents (id, reported_status, version, first_seen, last_seen) VALUES ($1, $2, $3, 1, $4)";
    long now = System.currentTimeMillis();
    Await.of(store.query(insert, Tuple.of("web-1", "ok", "Telegraf 1.39.3", now)));
    Await.of(store.query(insert, Tuple.of("web-2", "ok", "Telegraf 1.39.3", now)));
    Await.of(store.query(insert, Tuple.of("db-1", null, null, now)));

    assertEquals(Migrations.NAMES.size() - previousRelease.size(),
        Await.of(Migrations.apply(store, Clock.systemUTC())));
    Await.of(store.query(insert, Tuple.of("db-2", "warn", "Telegraf 1.39.3", now)));

    AgentSummary summary = Await.of(new AgentRepository(store).summary(now, LabelFilter.NONE));
    assertEquals(4, summary.total());
    assertEquals(2, summary.byStatus().get("ok"));
    assertEquals(1, summary.byStatus().get("warn"));
    assertEquals(1, summary.byStatus().get("undefined"));
    assertEquals(List.of(new AgentSummary.VersionCount("1.39.3", 3), new AgentSummary.VersionCount("unknown", 1)),
        summary.telegrafVersions());
  }
}
