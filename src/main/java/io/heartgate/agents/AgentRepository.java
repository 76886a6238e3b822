package io.heartgate.agents;

import io.heartgate.labels.LabelFilter;
import io.heartgate.labels.LabelTarget;
import io.heartgate.store.Dialect;
import io.heartgate.store.RowLocks;
import io.heartgate.store.Sql;
import io.heartgate.store.Store;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * SQL for reading and removing agents and setting their reporting rule (only the heartbeat writer creates them and
 * writes what they report). Status is computed in every query that reads it, from the time passed in as $1, so it is
 * current whenever it is read.
 */
public final class AgentRepository {
  /**
   * The rule that applies to an agent: its own, or the default rule when it has none (or its rule was deleted).
   * Status is computed at read time by design, inside the query that reads the agents, so this read-only join on
   * reporting_rules stays here; everything else about rules (do they exist, writing them) goes through
   * {@code ReportingRuleService}.
   */
  private static final String RULE_OF_AGENT = ruleOf("a");
  /**
   * The heartbeat's sources lower-cased, with every escaped character of an id or alias ({@code [a-z0-9-]}) written
   * plainly: the text that {@link #configurationsOfReportingAgentsMentioning} narrows by.
   */
  private static final String SOURCES_UNESCAPED = unescaped("lower(h.configurations)");
  private static final String EFFECTIVE_RULE = " JOIN reporting_rules r ON r.id = " + RULE_OF_AGENT;
  /** Agent a is silent for longer than rule r allows at $1 (written so that a range of last_seen serves it). */
  private static final String NOT_REPORTING = notReportingAfter("a", "r.not_reporting_after_seconds");
  private static final String STATUS = "CASE WHEN " + NOT_REPORTING
      + " THEN 'not_reporting' ELSE COALESCE(a.reported_status, 'undefined') END";
  /** The rows x of {@link #AGENTS} not reporting at $1, by their own rule (see {@link #withStatus}). */
  private static final String OWN_RULE_SILENT = notReportingAfter("x", "x.not_reporting_after_seconds");
  /** The rows x of {@link #AGENTS} seen before the shortest time of any rule: every agent not reporting at $1. */
  private static final String SILENT_RANGE = "x.last_seen < CAST($1 AS BIGINT) - "
      + shortestOfAnyRule("not_reporting_after_seconds");
  /**
   * Agent a's own rule as own, none when it has none: joined by that column, which PostgreSQL estimates (it took the
   * join on the COALESCE of {@link #RULE_OF_AGENT} to keep one agent in two hundred, and then looked agents up one at
   * a time); for counting, where the rule's id is not read.
   */
  private static final String OWN_RULE = " LEFT JOIN reporting_rules own ON own.id = a.reporting_rule_id";
  /** Agent a, with {@link #OWN_RULE} joined, is silent at $1 for longer than its own rule, or the default, allows. */
  private static final String NOT_REPORTING_BY_OWN_RULE = notReportingAfter("a",
      "COALESCE(own.not_reporting_after_seconds, " + ofDefaultRule("not_reporting_after_seconds") + ")");
  /** The agents as the API shows them, but their heartbeat details (see {@link #withConfigurations}). */
  private static final String AGENTS = "SELECT a.id, a.hostname, a.ip, a.version, " + STATUS + " AS status, "
      + "a.reported_status, a.first_seen, a.last_seen, a.heartbeats, a.statistics, r.id AS reporting_rule_id, "
      + "r.not_reporting_after_seconds FROM agents a" + EFFECTIVE_RULE;
  /** The lastReported buckets of the summary: name and upper bound (exclusive) of the age in milliseconds. */
  private static final Map<String, Long> AGE_BUCKETS = bucketsInOrder();
  /** The bounds of the buckets but the oldest, which has none. */
  private static final List<Long> AGE_BOUNDS = AGE_BUCKETS.values().stream()
      .filter(bound -> bound != Long.MAX_VALUE).toList();
  /** The reported statuses counted apart among the agents not reporting; the rest reported undefined or nothing. */
  private static final List<String> COUNTED_REPORTED = List.of(AgentStatus.OK.wireName(),
      AgentStatus.WARN.wireName(), AgentStatus.FAIL.wireName());

  /** The whole fleet by reported status and release, from the tally (see {@link #foldTally}). */
  private static final String TALLY = "SELECT reported_status, version, CAST(SUM(agents) AS BIGINT) FROM agent_tally "
      + "GROUP BY reported_status, version HAVING SUM(agents) > 0";
  /** The counts of {@link #COUNTED_REPORTED} statuses among the agents a read. */
  private static final String REPORTED_COUNTS = countsWhere(COUNTED_REPORTED.stream()
      .map(status -> "a.reported_status = '" + status + "'").toList());
  /**
   * The agents not reporting at $1, all of them and those of each {@link #COUNTED_REPORTED} status, counted in one
   * row without grouping (sorting the rows of a fleet that fell silent to group them cost more than reading them).
   * On SQLite, rules first: for each rule, the agents under it in the range of last_seen its not-reporting time
   * leaves, read from the last_seen index. The default rule is joined once (as d) rather than looked up for each
   * agent as {@link #RULE_OF_AGENT} does (a million agents, 900,000 of them silent: 214 -> 165 ms).
   */
  private static final String NOT_REPORTING_COUNTS_SQLITE = "SELECT COUNT(*)" + REPORTED_COUNTS
      + " FROM reporting_rules d CROSS JOIN reporting_rules r CROSS JOIN agents a WHERE d.is_default = 1 AND "
      + NOT_REPORTING + " AND r.id = COALESCE(a.reporting_rule_id, d.id)";
  /**
   * On PostgreSQL, which reads the agents first and hashes the rules: each agent joined to its own rule by that
   * column (not by an expression computed for every agent), the default rule's time standing in for agents without
   * one; and bounded first by the shortest time of any rule ($2, in seconds, read in the same snapshot by {@link
   * #SHORTEST_RULE}), so that only the agents that may be silent are joined (900,000 of a million silent: 166 -> 140
   * ms; 14,000: 98 -> 90 ms). The bound is a value the planner sees: given as a subquery, PostgreSQL guessed it kept
   * a third of the fleet and read all of it (a million agents, 1 % silent: the SQL alone 93 -> 11 ms, the summary
   * through the gateway 107-113 -> 19-23 ms).
   */
  private static final String NOT_REPORTING_COUNTS_POSTGRES = "SELECT COUNT(*)" + REPORTED_COUNTS
      + " FROM agents a" + OWN_RULE + " WHERE " + NOT_REPORTING_BY_OWN_RULE
      + " AND a.last_seen < CAST($1 AS BIGINT) - CAST($2 AS BIGINT) * 1000";
  /** The shortest not-reporting time of any rule, in seconds. */
  private static final String SHORTEST_RULE = "SELECT MIN(not_reporting_after_seconds) FROM reporting_rules";
  /**
   * The ranges of last_seen of the age buckets, youngest first ($1… the bounds, youngest first): the youngest holds
   * the agents seen after $1, range i (from 1) those seen at or before $i and after $i+1, and the oldest those seen
   * at or before the last bound. They do not overlap.
   */
  private static final List<String> AGE_BUCKET_RANGES = ageBucketRanges(1);
  /**
   * For each age bucket, the query of the agents in every other bucket's range, each counted apart: every agent is
   * read at most once, and counting a range of the last_seen index without reading its rows is what both stores do
   * fastest (a million agents all seen hours ago: 144 -> 46 ms on SQLite, 89 -> 68 ms on PostgreSQL). The bucket
   * left out is the one that held the most agents at the previous summary, and gets the agents the others do not
   * hold: its range is the one not read (the whole summary of a million agents, through the gateway: all seen more
   * than a day ago, 267-282 -> 180-195 ms on PostgreSQL; all seen hours ago, 210-212 -> 173-186 ms on SQLite).
   */
  private static final List<String> AGE_BUCKET_COUNTS_BUT = IntStream.range(0, AGE_BUCKET_RANGES.size())
      .mapToObj(left -> IntStream.range(0, AGE_BUCKET_RANGES.size()).filter(bucket -> bucket != left)
          .mapToObj(bucket -> "(SELECT COUNT(*) FROM agents a WHERE " + AGE_BUCKET_RANGES.get(bucket) + ")")
          .collect(Collectors.joining(", ", "SELECT ", "")))
      .toList();
  /**
   * The agents carrying some labels (the query of their ids replaces CARRIERS, see {@link LabelFilter#carriers}), in
   * one pass over them: for each reported status and release, how many there are, how many of them are not reporting at
   * $1, and how many are in each range of {@link #AGE_BUCKET_RANGES} but the youngest (the bounds from $2). The whole
   * fleet is counted in three reads, from the tally and from indexes; a labelled part of it that way found its agents
   * again in each read (a label on 100,000 of a million agents, the SQL alone: 632 -> 181 ms on SQLite, 1,570 -> 535
   * ms on PostgreSQL; through the gateway, see the README). Each agent's rule is {@link #OWN_RULE} (a label on
   * 750,000 agents, through the gateway: 2.0 s -> 0.5 s, with the carriers LabelFilter now gives).
   */
  private static final String LABELLED_COUNTS = "SELECT a.reported_status, a.version, COUNT(*), COUNT(CASE WHEN "
      + NOT_REPORTING_BY_OWN_RULE + " THEN 1 END), " + ageBucketRanges(2).stream().skip(1)
          .map(range -> "COUNT(CASE WHEN " + range + " THEN 1 END)").collect(Collectors.joining(", "))
      + " FROM (CARRIERS) l JOIN agents a ON a.id = l.id" + OWN_RULE + " GROUP BY a.reported_status, a.version";

  /** The ids {@link #deleteSilent} deletes: $1 now, $2 limit, $3 seenFrom. */
  private static final String SILENT_CANDIDATES = "SELECT id FROM agents WHERE last_seen >= CAST($3 AS BIGINT) "
      + "AND last_seen < CAST($1 AS BIGINT) - " + shortestOfAnyRule("auto_delete_after_seconds") + " AND "
      + silentFor("agents") + " ORDER BY last_seen LIMIT $2";

  private static final String LOCK_DETAILS_IN_ID_ORDER = RowLocks.inOrder("agent_heartbeats", "agent_id = ANY($1)",
      "agent_id", RowLocks.Strength.UPDATE);
  private static final String LOCK_AGENTS_IN_ID_ORDER = RowLocks.inOrder("agents", "id = ANY($1)", "id",
      RowLocks.Strength.UPDATE);

  private final Store store;
  /**
   * Where the API's reads of agents go ({@link Store#reads}): on SQLite the reading connection, so that a page, an
   * agent or the summary waits for no heartbeat batch or auto-delete batch on the writing one, nor those for it (the
   * summary's snapshot held the writing connection for its whole 45-60 ms at a million agents). Each read begins
   * after the writes answered before it were committed, so it sees them.
   */
  private final Store reads;
  /** The age bucket that held the most agents at the previous summary of the fleet: {@link #AGE_BUCKET_COUNTS_BUT}. */
  private volatile int largestAgeBucket;

  public AgentRepository(Store store) {
    this.store = store;
    this.reads = store.reads();
  }

  public Future<Optional<Agent>> byId(String id, long now) {
    return reads.query(withConfigurations(AGENTS + " WHERE a.id = $2", ""), Tuple.of(now, id))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(agent(rows.iterator().next())));
  }

  /** The store's kind, for work whose pace differs between them (the auto-delete job's batches). */
  Dialect dialect() {
    return store.dialect();
  }

  /**
   * One page, plus one more agent when there are more (so the caller knows whether to hand out a cursor).
   *
   * @param sample tells how to search for the query's term, if any
   */
  Future<List<Agent>> page(AgentQuery query, SearchSample sample, long now) {
    List<Object> params = new ArrayList<>(List.of(now));
    StringBuilder sql = new StringBuilder("SELECT * FROM (").append(AGENTS).append(") x WHERE 1 = 1");
    if (query.status() != null) {
      sql.append(" AND ").append(withStatus(query.status(), query.sortBy()));
    }
    if (query.search() != null) {
      sql.append(AgentSearch.sql(sample.plan(query.search()), store.dialect(), params));
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
    String order = " ORDER BY " + key + " " + direction + ", x.id " + direction;
    sql.append(order).append(" LIMIT $").append(params.size());
    return reads.query(withConfigurations(sql.toString(), order), Tuple.from(params)).map(AgentRepository::agents);
  }

  /** Some agents' search texts, taken at random (see {@link SearchSample}). */
  Future<SearchSample> searchSample() {
    return AgentSearch.sample(reads);
  }

  /**
   * The agents of that query (rows of {@link #AGENTS}) with their heartbeat details, joined to the page only: joined
   * before the filter and the limit, a listing by status that PostgreSQL sorted whole looked up the details of every
   * agent (?status=ok, a million agents, the query alone: 1,415 -> 286 ms).
   */
  private static String withConfigurations(String agents, String order) {
    return "SELECT x.*, h.configurations FROM (" + agents + ") x LEFT JOIN agent_heartbeats h ON h.agent_id = x.id"
        + order;
  }

  /** How many agents have each status now; a status no agent has is absent. */
  public Future<Map<String, Long>> countByStatus(long now) {
    return summary(now, LabelFilter.NONE).map(summary -> {
      Map<String, Long> counts = new LinkedHashMap<>();
      summary.byStatus().forEach((status, count) -> {
        if (count > 0) {
          counts.put(status, count);
        }
      });
      return counts;
    });
  }

  /**
   * Counts by status, Telegraf release and age of the last heartbeat, of the agents carrying these labels. No rule
   * per row over the whole fleet: every agent is counted by the status it reported and its release, from the tally
   * the triggers of V9__agent_tally keep; the agents not reporting (see {@link #NOT_REPORTING_COUNTS_SQLITE} and its
   * PostgreSQL form) are then moved from their reported status to not_reporting, and the agents of each age bucket
   * but one counted (see {@link #AGE_BUCKET_COUNTS_BUT}); that one holds the rest. All of it read in one
   * snapshot, so agents written or deleted meanwhile are counted as they were or not at all. The agents carrying
   * labels are counted in one statement instead (see {@link #LABELLED_COUNTS}), which needs no snapshot of its own.
   */
  public Future<AgentSummary> summary(long now, LabelFilter labels) {
    if (!labels.labelIds().isEmpty()) {
      return labelledSummary(reads, now, labels);
    }
    return reads.inSnapshot(sql -> fleetSummary(sql, now, largestAgeBucket));
  }

  /** @param leftOut the age bucket whose range is not read (see {@link #AGE_BUCKET_COUNTS_BUT}) */
  private Future<AgentSummary> fleetSummary(Sql sql, long now, int leftOut) {
    Future<RowSet<Row>> reported = sql.query(TALLY);
    Future<Row> notReporting = store.dialect() == Dialect.POSTGRES
        ? countsOf(sql, SHORTEST_RULE, List.of()).compose(shortest ->
            countsOf(sql, NOT_REPORTING_COUNTS_POSTGRES, List.of(now, shortest.getValue(0))))
        : countsOf(sql, NOT_REPORTING_COUNTS_SQLITE, List.of(now));
    Future<Row> ages = countsOf(sql, AGE_BUCKET_COUNTS_BUT.get(leftOut), ageBounds(now));
    // Joined: the snapshot ends only once no read is running any more.
    return Future.join(reported, notReporting, ages).map(all -> {
      Counted counted = new Counted();
      for (Row row : reported.result()) {
        counted.add(row.getString(0), row.getString(1), row.getLong(2), 0);
      }
      moveNotReporting(counted.byStatus, notReporting.result());
      counted.addAges(ages.result(), 0, leftOut);
      AgentSummary summary = counted.summary(leftOut);
      largestAgeBucket = counted.largestAgeBucket();
      return summary;
    });
  }

  /** The summary of the agents carrying these labels, from {@link #LABELLED_COUNTS}. */
  private static Future<AgentSummary> labelledSummary(Sql sql, long now, LabelFilter labels) {
    List<Object> params = new ArrayList<>(List.of(now));
    params.addAll(ageBounds(now));
    String query = LABELLED_COUNTS.replace("CARRIERS", labels.carriers(LabelTarget.AGENT, params));
    return sql.query(query, Tuple.from(params)).map(rows -> {
      Counted counted = new Counted();
      for (Row row : rows) {
        counted.add(row.getString(0), row.getString(1), row.getLong(2), row.getLong(3));
        counted.addAges(row, 4, 0);
      }
      return counted.summary(0);
    });
  }

  /** The age buckets' bounds at that time, as {@link #AGE_BUCKET_RANGES} take them. */
  private static List<Object> ageBounds(long now) {
    return AGE_BOUNDS.stream().map(bound -> (Object) (now - bound)).toList();
  }

  /** The one row of counts of that query. */
  private static Future<Row> countsOf(Sql sql, String query, List<Object> params) {
    return sql.query(query, Tuple.from(params)).map(rows -> rows.iterator().next());
  }

  /** The summary's counts as they are added up. */
  private static final class Counted {
    final Map<String, Long> byStatus = new LinkedHashMap<>();
    final Map<String, Long> byVersion = new LinkedHashMap<>();
    /** The agents in each range of {@link #AGE_BUCKET_RANGES}. */
    final long[] ages = new long[AGE_BUCKET_RANGES.size()];
    long total;

    Counted() {
      AgentStatus.WIRE_NAMES.forEach(s -> byStatus.put(s, 0L));
    }

    /** That many agents that reported that status and release, of which that many are not reporting now. */
    void add(String reportedStatus, String version, long count, long notReporting) {
      total += count;
      byStatus.merge(reportedOrUndefined(reportedStatus), count - notReporting, Long::sum);
      byStatus.merge(AgentStatus.NOT_REPORTING.wireName(), notReporting, Long::sum);
      byVersion.merge(TelegrafVersion.of(version), count, Long::sum);
    }

    /** The counts of the ranges of {@link #AGE_BUCKET_RANGES} but that one, in that row from that column on. */
    void addAges(Row row, int firstColumn, int leftOut) {
      int column = firstColumn;
      for (int bucket = 0; bucket < ages.length; bucket++) {
        if (bucket != leftOut) {
          ages[bucket] += row.getLong(column++);
        }
      }
    }

    /** The age bucket holding the most agents (the youngest of equal ones); call after {@link #summary}. */
    int largestAgeBucket() {
      int largest = 0;
      for (int bucket = 1; bucket < ages.length; bucket++) {
        if (ages[bucket] > ages[largest]) {
          largest = bucket;
        }
      }
      return largest;
    }

    /** The summary, that age bucket holding the agents the others do not. */
    AgentSummary summary(int leftOut) {
      ages[leftOut] = total - (Arrays.stream(ages).sum() - ages[leftOut]);
      List<AgentSummary.VersionCount> telegrafVersions = byVersion.entrySet().stream()
          .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
          .map(e -> new AgentSummary.VersionCount(e.getKey(), e.getValue()))
          .toList();
      Map<String, Long> lastReported = new LinkedHashMap<>();
      Iterator<Long> counts = Arrays.stream(ages).iterator();
      AGE_BUCKETS.keySet().forEach(bucket -> lastReported.put(bucket, counts.next()));
      return new AgentSummary(total, byStatus, telegrafVersions, lastReported);
    }
  }

  /** Moves the agents not reporting (counted as {@link #NOT_REPORTING_COUNTS_SQLITE} does) to not_reporting. */
  private static void moveNotReporting(Map<String, Long> byStatus, Row counts) {
    long silent = counts.getLong(0);
    long undefined = silent;
    for (int i = 0; i < COUNTED_REPORTED.size(); i++) {
      long count = counts.getLong(i + 1);
      byStatus.merge(COUNTED_REPORTED.get(i), -count, Long::sum);
      undefined -= count;
    }
    byStatus.merge(AgentStatus.UNDEFINED.wireName(), -undefined, Long::sum);
    byStatus.merge(AgentStatus.NOT_REPORTING.wireName(), silent, Long::sum);
  }

  /**
   * Folds the tally: on PostgreSQL its appended changes into one row per (reported_status, version), in one
   * statement (a change appended meanwhile is not in its snapshot and stays for the next fold; two folds at once
   * would leave two rows for a pair, still adding up right); on SQLite, where counts are updated in place, it removes
   * the pairs no agent has any more.
   */
  public Future<Void> foldTally() {
    return store.query(store.dialect() == Dialect.POSTGRES
        ? "WITH folded AS (DELETE FROM agent_tally RETURNING reported_status, version, agents) "
            + "INSERT INTO agent_tally (reported_status, version, agents) SELECT reported_status, version, SUM(agents) "
            + "FROM folded GROUP BY reported_status, version HAVING SUM(agents) <> 0"
        : "DELETE FROM agent_tally WHERE agents = 0", Tuple.tuple()).mapEmpty();
  }

  private static String reportedOrUndefined(String reportedStatus) {
    return reportedStatus == null ? AgentStatus.UNDEFINED.wireName() : reportedStatus;
  }

  /** The latest heartbeat's stored parts (logs within the storage limits), or empty for an unknown agent. */
  public Future<Optional<LatestHeartbeat>> latestHeartbeat(String id) {
    return reads.query("SELECT a.id, a.version, a.hostname, a.reported_status, a.statistics, a.last_seen, "
            + "h.configurations, h.logs, h.payload FROM agents a LEFT JOIN agent_heartbeats h ON h.agent_id = a.id "
            + "WHERE a.id = $1", Tuple.of(id))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(latestHeartbeat(rows.iterator().next())));
  }

  /**
   * The reported configuration sources (JSON array text) of every agent that is not {@code not_reporting} now
   * and whose latest heartbeat's sources contain the text (of lower-case letters, digits and '-', such as an id
   * or an alias), also where a URL writes its characters escaped ({@code %2D} for '-') or in capitals; the exact
   * test is the caller's. A scan of the heartbeat details, meant for rare checks such as deleting a config, not for
   * a hot path.
   */
  public Future<List<String>> configurationsOfReportingAgentsMentioning(String text, long now) {
    return store.query("SELECT h.configurations FROM agents a" + EFFECTIVE_RULE
            + " JOIN agent_heartbeats h ON h.agent_id = a.id WHERE " + STATUS + " <> 'not_reporting' "
            + "AND " + SOURCES_UNESCAPED + " LIKE $2 ESCAPE '\\'", Tuple.of(now, Sql.containing(text)))
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

  /**
   * Deletes the agent and its heartbeat details; false when there was none. The details go first, in the order a
   * heartbeat batch locks the two rows (see HeartbeatRepository): the agents row first, and its cascade waiting for
   * details that a batch held while it waited for the agents row, was a deadlock on PostgreSQL.
   */
  public Future<Boolean> delete(String id) {
    Tuple agent = Tuple.of(id);
    return store.inTransaction(tx -> tx.query("DELETE FROM agent_heartbeats WHERE agent_id = $1", agent)
        .compose(details -> tx.query("DELETE FROM agents WHERE id = $1", agent))
        .map(rows -> rows.rowCount() > 0));
  }

  /**
   * What one batch of the auto-delete job did: agents deleted, the last_seen the next batch starts from, and
   * whether it found as many candidates as it could take (then there may be more; an agent kept by the re-check
   * does not end the run).
   */
  public record SilentBatch(int deleted, long resumeFrom, boolean full) {
  }

  /**
   * Deletes at most {@code limit} of the agents silent for longer than their rule's auto-delete time and seen at
   * or after {@code seenFrom}, the longest silent first. The candidates come from the last_seen index (bounded by
   * the shortest auto-delete time of any rule), and the silence is checked again on each row the DELETE removes:
   * an agent whose heartbeat is committed meanwhile is kept (on PostgreSQL the re-check sees the updated row). The
   * next batch resumes from the newest last_seen deleted, so it does not read again the agents before it that
   * their own rule keeps.
   */
  public Future<SilentBatch> deleteSilent(long now, int limit, long seenFrom) {
    Tuple candidates = Tuple.of(now, limit, seenFrom);
    if (store.dialect() == Dialect.POSTGRES) {
      return store.inTransaction(tx -> deleteSilentInLockOrder(tx, now, candidates))
          .map(batch -> new SilentBatch(batch.deleted().size(), newestSeen(batch.deleted(), seenFrom),
              batch.candidates() == limit));
    }
    // SQLite: one writer, so nothing changes between the candidates' read and their delete in this one statement.
    return store.query("DELETE FROM agents WHERE id IN (" + SILENT_CANDIDATES + ") AND " + silentFor("agents")
        + " RETURNING last_seen", candidates)
        .map(deleted -> new SilentBatch(deleted.size(), newestSeen(deleted, seenFrom), deleted.size() == limit));
  }

  /** How many candidates a PostgreSQL batch found, and the last_seen of those it deleted. */
  private record LockedCandidates(int candidates, RowSet<Row> deleted) {
  }

  /**
   * PostgreSQL: the candidates' heartbeat details are locked first, then their agents rows, each in id order, as a
   * heartbeat batch takes them (see HeartbeatRepository), and only then are the agents rows deleted (the details
   * with them, by the cascade). Deleting the agents rows first was a deadlock with a batch holding the details of
   * one of them; deleting them in the order the table holds them, with a rule's delete locking them in id order. A
   * batch that commits while this waits for its rows is seen by the DELETE's re-check, and its agent kept.
   */
  private static Future<LockedCandidates> deleteSilentInLockOrder(Sql tx, long now, Tuple candidates) {
    return tx.query(SILENT_CANDIDATES, candidates).compose(found -> {
      if (found.size() == 0) {
        return Future.succeededFuture(new LockedCandidates(0, found));  // no rows: none deleted
      }
      String[] ids = new String[found.size()];
      int i = 0;
      for (Row row : found) {
        ids[i++] = row.getString(0);
      }
      Tuple agents = Tuple.tuple().addArrayOfString(ids);
      return tx.query(LOCK_DETAILS_IN_ID_ORDER, agents)
          .compose(locked -> tx.query(LOCK_AGENTS_IN_ID_ORDER, agents))
          .compose(locked -> tx.query("DELETE FROM agents WHERE id = ANY($2) AND " + silentFor("agents")
              + " RETURNING last_seen", Tuple.tuple().addLong(now).addArrayOfString(ids)))
          .map(deleted -> new LockedCandidates(ids.length, deleted));
    });
  }

  /** The newest last_seen among the deleted rows, or {@code seenFrom} if none. */
  private static long newestSeen(RowSet<Row> deleted, long seenFrom) {
    long newest = seenFrom;
    for (Row row : deleted) {
      newest = Math.max(newest, row.getLong(0));
    }
    return newest;
  }

  /** The agent of that table is silent for longer than its effective rule's auto-delete time (never: null). */
  private static String silentFor(String table) {
    return table + ".last_seen + (SELECT CAST(r.auto_delete_after_seconds AS BIGINT) * 1000 FROM reporting_rules r "
        + "WHERE r.id = " + ruleOf(table) + ") < CAST($1 AS BIGINT)";
  }

  /** The id of the rule that applies to the agent of that table: its own, or the default rule's. */
  private static String ruleOf(String table) {
    return "COALESCE(" + table + ".reporting_rule_id, " + ofDefaultRule("id") + ")";
  }

  /** That column of the default rule. */
  private static String ofDefaultRule(String column) {
    return "(SELECT " + column + " FROM reporting_rules WHERE is_default = 1)";
  }

  /** The shortest time in that column (seconds) of any rule, in milliseconds: where a range of last_seen can stop. */
  private static String shortestOfAnyRule(String column) {
    return "(SELECT CAST(MIN(" + column + ") AS BIGINT) * 1000 FROM reporting_rules)";
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

  /** {@link #AGE_BUCKET_RANGES} with the bounds from $first. */
  private static List<String> ageBucketRanges(int first) {
    List<String> ranges = new ArrayList<>();
    ranges.add("a.last_seen > CAST($" + first + " AS BIGINT)");
    for (int i = 0; i < AGE_BOUNDS.size(); i++) {
      String range = "a.last_seen <= CAST($" + (first + i) + " AS BIGINT)";
      ranges.add(i + 1 < AGE_BOUNDS.size() ? range + " AND a.last_seen > CAST($" + (first + i + 1) + " AS BIGINT)"
          : range);
    }
    return ranges;
  }

  /** The agent of that alias is silent at $1 for longer than that many seconds. */
  private static String notReportingAfter(String agent, String seconds) {
    return agent + ".last_seen < CAST($1 AS BIGINT) - CAST(" + seconds + " AS BIGINT) * 1000";
  }

  /**
   * The rows x of {@link #AGENTS} that have that status at $1, written for each store's planner; the same agents
   * either way. SQLite, without statistics of the columns' values, walks the page's order and tests each agent's
   * status, which is what it does best: given a range of last_seen or a condition on the rule, it read and sorted
   * every agent in the range instead, slow whenever most agents were in it. PostgreSQL estimated the status's CASE as
   * matching almost no agent, so it read the whole fleet for every ?status=, and once it kept a generic plan it could
   * walk the page's order through the whole fleet instead (3 s for a status few agents have); conditions on the
   * status reported and on the agent's own rule it can estimate. The agents not reporting are older than the shortest
   * time of any rule ({@link #SILENT_RANGE}): PostgreSQL always gets that range, SQLite when the page is sorted by
   * last_seen, where a walk can start at it (a million agents, 1 % of them silent: ?status=not_reporting 170 ->
   * 13-22 ms on PostgreSQL, and newest first 296-370 -> 12-13 ms on SQLite; see the README).
   *
   * @param status one of {@link AgentStatus#WIRE_NAMES}, written into the SQL as that constant
   */
  private String withStatus(String status, AgentQuery.SortKey sortBy) {
    AgentStatus wanted = AgentStatus.ofWireName(status);
    boolean postgres = store.dialect() == Dialect.POSTGRES;
    String computed = "x.status = '" + wanted.wireName() + "'";
    if (wanted == AgentStatus.NOT_REPORTING) {
      String silent = postgres ? OWN_RULE_SILENT : computed;
      return postgres || sortBy == AgentQuery.SortKey.LAST_SEEN ? silent + " AND " + SILENT_RANGE : silent;
    }
    if (!postgres) {
      return computed;
    }
    String reported = "x.reported_status = '" + wanted.wireName() + "'";
    if (wanted == AgentStatus.UNDEFINED) {
      reported = "(" + reported + " OR x.reported_status IS NULL)";
    }
    return reported + " AND x.status <> '" + AgentStatus.NOT_REPORTING.wireName() + "'";
  }

  /** A count column for each condition, to count several things in one pass. */
  private static String countsWhere(List<String> conditions) {
    StringBuilder sql = new StringBuilder();
    conditions.forEach(condition -> sql.append(", COUNT(CASE WHEN ").append(condition).append(" THEN 1 END)"));
    return sql.toString();
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

  private static String unescaped(String text) {
    String out = text;
    for (char c : "-0123456789abcdefghijklmnopqrstuvwxyz".toCharArray()) {
      out = "replace(" + out + ", '%" + Integer.toHexString(c) + "', '" + c + "')";
    }
    return out;
  }
}
