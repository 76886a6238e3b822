package io.heartgate.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.heartgate.settings.DatabaseUrl;
import io.heartgate.testsupport.Await;
import io.heartgate.testsupport.Credentials;
import io.heartgate.testsupport.Reply;
import io.heartgate.testsupport.StoreKind;
import io.heartgate.testsupport.Team;
import io.heartgate.testsupport.TestGateway;
import io.heartgate.testsupport.TestStores;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A store written by the previous release (schema V1 + V2, agents with label strings set by PATCH) upgrades in
 * place to labels on both stores, keeping every row.
 */
class LabelsMigrationTest {
  private static final List<String> TABLES = List.of("users", "reporting_rules", "agents", "agent_heartbeats",
      "configs", "audit_events", "settings");

  @TempDir
  Path tempDir;
  @RegisterExtension
  final TestStores stores = new TestStores();

  private static long count(Store store, String sql) {
    return Await.of(store.query(sql, Tuple.tuple())).iterator().next().getLong(0);
  }

  private static void insert(Store store, String sql, Object... params) {
    Await.of(store.query(sql, Tuple.from(params)));
  }

  private static Map<String, Long> counts(Store store) {
    Map<String, Long> counts = new LinkedHashMap<>();
    TABLES.forEach(table -> counts.put(table, count(store, "SELECT COUNT(*) FROM " + table)));
    return counts;
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void agentLabelStringsBecomeLabelsKeepingEveryRow(StoreKind kind) throws Exception {
    DatabaseUrl url = kind.freshStore(tempDir);
    Store store = stores.open(url, 2);
    assertEquals(2, Await.of(Migrations.apply(store, Clock.systemUTC(),
        List.of("V1__initial_schema", "V2__login_attempts"))), "the previous release's schema");
    long now = System.currentTimeMillis();
    insert(store, "INSERT INTO reporting_rules (id, name, not_reporting_after_seconds, auto_delete_after_seconds, "
        + "is_default, created_at, updated_at) VALUES ('slow', 'Slow', 3600, NULL, 0, $1, $1)", now);
    String insertAgent = "INSERT INTO agents (id, hostname, ip, version, reported_status, first_seen, last_seen, "
        + "heartbeats, statistics, reporting_rule_id, labels) VALUES ($1, $2, '10.0.0.1', '1.37.0', 'ok', $3, $3, "
        + "5, NULL, $4, $5)";
    insert(store, insertAgent, "web-01", "web-01.example", now, "slow", "[\"eu-west\",\"db\"]");
    insert(store, insertAgent, "web-02", "web-02.example", now, null, "[\"db\"]");
    insert(store, insertAgent, "web-03", "web-03.example", now, null, "[]");
    insert(store, insertAgent, "web-04", "web-04.example", now, null, "[\"db\",\"db\",\"caché ü\"]");
    insert(store, "INSERT INTO agent_heartbeats (agent_id, configurations, logs, payload, received_at) "
        + "VALUES ('web-01', '[]', NULL, '{\"id\":\"web-01\",\"version\":\"1.37.0\"}', $1)", now);
    String config = "INSERT INTO configs (id, name, description, toml, toml_changed_at, created_at, updated_at, "
        + "created_by) VALUES ($1, $2, '', '[agent]\n', $3, $3, $3, NULL)";
    insert(store, config, "c-1", "base", now);
    insert(store, config, "c-2", "extra", now);
    insert(store, "INSERT INTO audit_events (at, action, actor_type, actor_id, target_type, target_id, outcome, "
        + "client_ip, user_agent, details) VALUES ($1, 'config.create', 'system', NULL, 'config', 'c-1', "
        + "'success', NULL, NULL, NULL)", now);
    insert(store, "INSERT INTO settings (key, value, updated_at) VALUES ('example', 'kept', $1)", now);
    Map<String, Long> before = counts(store);

    assertEquals(Migrations.NAMES.size() - 2, Await.of(Migrations.apply(store, Clock.systemUTC())),
        "the upgrade applies the rest");
    assertEquals(before, counts(store), "every row kept");
    Map<String, String> colors = new LinkedHashMap<>();
    for (Row row : Await.of(store.query("SELECT name, color FROM labels ORDER BY name", Tuple.tuple()))) {
      colors.put(row.getString(0), row.getString(1));
    }
    assertEquals(Map.of("caché ü", "#3b82f6", "db", "#3b82f6", "eu-west", "#3b82f6"), colors,
        "one label per distinct string, default colour");
    assertEquals(5, count(store, "SELECT COUNT(*) FROM agent_labels"));
    stores.close(store);

    // The upgraded store, served: agent records carry the label objects; the rest reads as before.
    try (TestGateway gateway = TestGateway.start(url)) {
      Team team = Team.create(gateway);
      Credentials viewer = team.session("viewer");
      Reply agent = gateway.get("/api/agents/web-01", viewer);
      assertEquals(200, agent.status(), agent.toString());
      assertEquals(List.of("db", "eu-west"), names(agent.json().getJsonArray("labels")));
      assertEquals("slow", agent.json().getString("reportingRuleId"));
      assertEquals(List.of("caché ü", "db"), names(gateway.get("/api/agents/web-04", viewer).json()
          .getJsonArray("labels")));
      assertEquals(List.of(), names(gateway.get("/api/agents/web-03", viewer).json().getJsonArray("labels")));
      String db = gateway.get("/api/labels", viewer).json().getJsonArray("labels").stream()
          .map(JsonObject.class::cast).filter(l -> l.getString("name").equals("db")).findFirst().orElseThrow()
          .getString("id");
      assertEquals(3, gateway.get("/api/agents?label=" + db, viewer).json().getJsonArray("agents").size());
      assertEquals(2, gateway.get("/api/configs", viewer).json().getJsonArray("configs").size());
    }
  }

  private static List<String> names(JsonArray labels) {
    return labels.stream().map(o -> ((JsonObject) o).getString("name")).toList();
  }
}
