package io.heartgate.agents;

import io.heartgate.labels.LabelFilter;
import io.heartgate.labels.LabelTarget;
import io.heartgate.store.Store;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * SQL for reading and removing agents (only the heartbeat writer creates and updates them). Status is computed
 * in every query from the time passed in as $1, so it is current whenever it is read.
 */
public final class AgentRepository {
  /**
   * The rule that applies to an agent: its own, or the default rule when it has none (or its rule was deleted).
   * Status is computed at read time by design, inside the query that reads the agents, so this read-only join on
   * reporting_rules stays here; everything else about rules (do they exist, writing them) goes through
   * {@code ReportingRuleService}.
   */
  private static final String EFFECTIVE_RULE = " JOIN reporting_rules r ON r.id = "
      + "COALESCE(a.reporting_rule_id, (SELECT id FROM reporting_rules WHERE is_default = 1))";
  private static final String STATUS = "CASE WHEN a.last_seen + CAST(r.not_reporting_after_seconds AS BIGINT) * 1000 "
      + "< CAST($1 AS BIGINT) THEN 'not_reporting' ELSE COALESCE(a.reported_status, 'undefined') END";
  private static final String AGENTS = "SELECT a.id, a.hostname, a.ip, a.version, " + STATUS + " AS status, "
      + "a.reported_status, a.first_seen, a.last_seen, a.heartbeats, h.configurations, a.statistics, "
      + "r.id AS reporting_rule_id FROM agents a" + EFFECTIVE_RULE
      + " LEFT JOIN agent_heartbeats h ON h.agent_id = a.id";
  /** The lastReported buckets of the summary: name and upper bound (exclusive) of the age in milliseconds. */
  private static final Map<String, Long> AGE_BUCKETS = bucketsInOrder();
  /** How many agents fall in each age bucket; clock skew between nodes may make an age negative: "lt5m". */
  private static final String AGES = agesSql();

  private final Store store;

  public AgentRepository(Store store) {
    this.store = store;
  }

  public Future<Optional<Agent>> byId(String id, long now) {
    return store.query(AGENTS + " WHERE a.id = $2", Tuple.of(now, id))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(agent(rows.iterator().next())));
  }

  /** One page, plus one more agent when there are more (so the caller knows whether to hand out a cursor). */
  public Future<List<Agent>> page(AgentQuery query, long now) {
    List<Object> params = new ArrayList<>(List.of(now));
    StringBuilder sql = new StringBuilder("SELECT * FROM (").append(AGENTS).append(") x WHERE 1 = 1");
    if (query.status() != null) {
      params.add(query.status());
      sql.append(" AND x.status = $").append(params.size());
    }
    if (query.search() != null) {
      params.add("%" + likeEscaped(query.search().toLowerCase(Locale.ROOT)) + "%");
      String p = "$" + params.size();
      sql.append(" AND (LOWER(x.id) LIKE ").append(p).append(" ESCAPE '\\' OR LOWER(COALESCE(x.hostname, '')) LIKE ")
          .append(p).append(" ESCAPE '\\' OR COALESCE(x.ip, '') LIKE ").append(p).append(" ESCAPE '\\')");
    }
    sql.append(query.labels().sql(LabelTarget.AGENT, "x.id", params));
    String key = query.sortBy().expression;
    String direction = query.descending() ? "DESC" : "ASC";
    if (query.after() != null) {
      params.add(query.after().value());
      String value = "$" + params.size();
      params.add(query.after().id());
      String id = "$" + params.size();
      String beyond = query.descending() ? " < " : " > ";
      sql.append(" AND (").append(key).append(beyond).append(value).append(" OR (").append(key).append(" = ")
          .append(value).append(" AND x.id").append(beyond).append(id).append("))");
    }
    params.add((long) query.limit() + 1);
    sql.append(" ORDER BY ").append(key).append(' ').append(direction).append(", x.id ").append(direction)
        .append(" LIMIT $").append(params.size());
    return store.query(sql.toString(), Tuple.from(params)).map(AgentRepository::agents);
  }

  /** How many agents have each status now; a status no agent has is absent. One query, grouped in the store. */
  public Future<Map<String, Long>> countByStatus(long now) {
    return statuses(now, LabelFilter.NONE).map(rows -> {
      Map<String, Long> counts = new LinkedHashMap<>();
      for (Row row : rows) {
        counts.put(row.getString(0), row.getLong(1));
      }
      return counts;
    });
  }

  private Future<RowSet<Row>> statuses(long now, LabelFilter labels) {
    List<Object> params = new ArrayList<>(List.of(now));
    String filter = labels.sql(LabelTarget.AGENT, "a.id", params);
    return store.query("SELECT x.status, COUNT(*) FROM (SELECT " + STATUS
        + " AS status FROM agents a" + EFFECTIVE_RULE + " WHERE 1 = 1" + filter + ") x GROUP BY x.status",
        Tuple.from(params));
  }

  /** Counts by status, Telegraf release and age of the last heartbeat, of the agents carrying these labels. */
  public Future<AgentSummary> summary(long now, LabelFilter labels) {
    Future<RowSet<Row>> statuses = statuses(now, labels);
    List<Object> versionParams = new ArrayList<>();
    String versionFilter = labels.sql(LabelTarget.AGENT, "id", versionParams);
    Future<RowSet<Row>> versions = store.query("SELECT version, COUNT(*) FROM agents WHERE 1 = 1" + versionFilter
        + " GROUP BY version", Tuple.from(versionParams));
    List<Object> ageParams = new ArrayList<>(List.of(now));
    String ageFilter = labels.sql(LabelTarget.AGENT, "id", ageParams);
    Future<RowSet<Row>> buckets = store.query(AGES + " WHERE 1 = 1" + ageFilter + ") x", Tuple.from(ageParams));
    return Future.all(statuses, versions, buckets).map(all -> {
      Map<String, Long> byStatus = new LinkedHashMap<>();
      AgentStatus.WIRE_NAMES.forEach(s -> byStatus.put(s, 0L));
      long total = 0;
      for (Row row : statuses.result()) {
        byStatus.put(row.getString(0), row.getLong(1));
        total += row.getLong(1);
      }
      Map<String, Long> byVersion = new LinkedHashMap<>();
      for (Row row : versions.result()) {
        byVersion.merge(TelegrafVersion.of(row.getString(0)), row.getLong(1), Long::sum);
      }
      List<AgentSummary.VersionCount> telegrafVersions = byVersion.entrySet().stream()
          .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
          .map(e -> new AgentSummary.VersionCount(e.getKey(), e.getValue()))
          .toList();
      Row ageRow = buckets.result().iterator().next();
      Map<String, Long> lastReported = new LinkedHashMap<>();
      int column = 0;
      for (String bucket : AGE_BUCKETS.keySet()) {
        Long count = ageRow.getLong(column++);
        lastReported.put(bucket, count == null ? 0L : count);
      }
      return new AgentSummary(total, byStatus, telegrafVersions, lastReported);
    });
  }

  /** The latest heartbeat's stored parts (logs within the storage limits), or empty for an unknown agent. */
  public Future<Optional<LatestHeartbeat>> latestHeartbeat(String id) {
    return store.query("SELECT a.id, a.version, a.hostname, a.reported_status, a.statistics, a.last_seen, "
            + "h.configurations, h.logs, h.payload FROM agents a LEFT JOIN agent_heartbeats h ON h.agent_id = a.id "
            + "WHERE a.id = $1", Tuple.of(id))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(latestHeartbeat(rows.iterator().next())));
  }

  /**
   * The reported configuration sources (JSON array text) of every agent that is not {@code not_reporting} now
   * and whose latest heartbeat's sources contain the text. A scan of the heartbeat details, meant for rare
   * checks such as deleting a config, not for a hot path.
   */
  public Future<List<String>> configurationsOfReportingAgentsMentioning(String text, long now) {
    return store.query("SELECT h.configurations FROM agents a" + EFFECTIVE_RULE
            + " JOIN agent_heartbeats h ON h.agent_id = a.id WHERE " + STATUS + " <> 'not_reporting' "
            + "AND h.configurations LIKE $2 ESCAPE '\\'", Tuple.of(now, "%" + likeEscaped(text) + "%"))
        .map(rows -> {
          List<String> sources = new ArrayList<>(rows.size());
          rows.forEach(row -> sources.add(row.getString(0)));
          return sources;
        });
  }

  /** Sets the agent's reporting rule (null: the default rule); false when the agent is unknown. */
  public Future<Boolean> update(String id, String ruleId) {
    return store.query("UPDATE agents SET reporting_rule_id = $2 WHERE id = $1", Tuple.of(id, ruleId))
        .map(rows -> rows.rowCount() > 0);
  }

  /** Deletes the agent and its heartbeat details; false when there was none. */
  public Future<Boolean> delete(String id) {
    return store.query("DELETE FROM agents WHERE id = $1", Tuple.of(id)).map(rows -> rows.rowCount() > 0);
  }

  /**
   * Deletes at most {@code limit} of the agents silent for longer than their rule's auto-delete time, the longest
   * silent first; returns how many. The candidates come from the last_seen index (bounded by the shortest
   * auto-delete time of any rule), and the silence is checked again on each row the DELETE removes: an agent
   * whose heartbeat is committed meanwhile is kept (on PostgreSQL the re-check sees the updated row).
   */
  public Future<Integer> deleteSilent(long now, int limit) {
    return store.query("DELETE FROM agents WHERE id IN (SELECT id FROM agents WHERE last_seen < CAST($1 AS BIGINT) "
            + "- (SELECT CAST(MIN(auto_delete_after_seconds) AS BIGINT) * 1000 FROM reporting_rules) AND "
            + silentFor("agents") + " ORDER BY last_seen LIMIT $2) AND " + silentFor("agents"),
            Tuple.of(now, limit))
        .map(RowSet::rowCount);
  }

  /** The agent of that table is silent for longer than its effective rule's auto-delete time (never: null). */
  private static String silentFor(String table) {
    return table + ".last_seen + (SELECT CAST(r.auto_delete_after_seconds AS BIGINT) * 1000 FROM reporting_rules r "
        + "WHERE r.id = COALESCE(" + table + ".reporting_rule_id, (SELECT id FROM reporting_rules WHERE is_default = 1)"
        + ")) < CAST($1 AS BIGINT)";
  }

  private static List<Agent> agents(RowSet<Row> rows) {
    List<Agent> agents = new ArrayList<>(rows.size());
    rows.forEach(row -> agents.add(agent(row)));
    return agents;
  }

  private static Agent agent(Row row) {
    return new Agent(row.getString("id"), row.getString("hostname"), row.getString("ip"), row.getString("version"),
        row.getString("status"), row.getString("reported_status"), row.getLong("first_seen"),
        row.getLong("last_seen"), row.getLong("heartbeats"), row.getString("configurations"),
        row.getString("statistics"), row.getString("reporting_rule_id"), null);
  }

  private static LatestHeartbeat latestHeartbeat(Row row) {
    return new LatestHeartbeat(row.getString("id"), row.getString("version"), row.getString("hostname"),
        row.getString("reported_status"), row.getString("statistics"), row.getLong("last_seen"),
        row.getString("configurations"), row.getString("logs"), row.getString("payload"));
  }

  private static String likeEscaped(String text) {
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
  }

  private static String agesSql() {
    StringBuilder sql = new StringBuilder("SELECT ");
    Long lower = null;
    for (Long upper : AGE_BUCKETS.values()) {
      String from = lower == null ? "1 = 1" : "age >= " + lower;
      String to = upper == Long.MAX_VALUE ? "" : " AND age < " + upper;
      sql.append("SUM(CASE WHEN ").append(from).append(to).append(" THEN 1 ELSE 0 END), ");
      lower = upper;
    }
    sql.setLength(sql.length() - 2);
    // The caller closes the derived table after its WHERE: " WHERE …) x".
    return sql.append(" FROM (SELECT CAST($1 AS BIGINT) - last_seen AS age FROM agents").toString();
  }

  private static Map<String, Long> bucketsInOrder() {
    Map<String, Long> buckets = new LinkedHashMap<>();
    buckets.put("lt5m", 5 * 60_000L);
    buckets.put("lt30m", 30 * 60_000L);
    buckets.put("lt1h", 60 * 60_000L);
    buckets.put("lt12h", 12 * 60 * 60_000L);
    buckets.put("lt24h", 24 * 60 * 60_000L);
    buckets.put("older", Long.MAX_VALUE);
    return buckets;
  }
}
