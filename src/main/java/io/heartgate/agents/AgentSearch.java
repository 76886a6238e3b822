package io.heartgate.agents;

import io.heartgate.store.Dialect;
import io.heartgate.store.Sql;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.StreamSupport;

/**
 * The SQL of {@code ?search=}: a case-insensitive substring of an agent's id, hostname or ip (beyond ASCII, see
 * {@link SearchSample.SearchPlan}). Each agent row of the
 * page query is tested exactly. When the term has three characters or more and is not common (see
 * {@link SearchSample}), the agents are first narrowed by the trigram index of agent_search (V8__agent_search), so
 * a search of a million agents reads the few that match instead of every one; a common term is tested on the agents
 * in the page's order, until a page is full. The index holds the same three
 * columns, so it never leaves out an agent the exact test would keep (on SQLite the heartbeat writer adds the agents
 * it creates in the same transaction, see V11__agent_search_per_batch; an agent inserted by other means is added
 * with the next batch).
 */
public final class AgentSearch {
  /** How many agents' texts a {@link SearchSample} holds (when there are as many). */
  private static final int SAMPLED = 1_000;
  /**
   * Agents at random: SQLite's keys of agent_search are numbered from 1 with few gaps, so random numbers in their
   * range pick agents (SAMPLED draws; a repeat or a gap picks none). A fleet no larger than that is taken whole. The
   * bounds are read apart: SQLite reads MIN or MAX alone from the index, both at once from every key. The texts are
   * made from the agents, as agent_search's (V8__agent_search), since FTS5 finds a rowid in an IN list by reading
   * every row (1,000 agents of a million: 100-180 -> 35 ms).
   */
  private static final String SAMPLE_SQLITE = "WITH RECURSIVE draw(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM draw "
      + "WHERE n < " + SAMPLED + "), span(low, width) AS (SELECT low, high - low + 1 FROM (SELECT "
      + "(SELECT MIN(search_rowid) FROM agent_search_keys) AS low, (SELECT MAX(search_rowid) FROM agent_search_keys) "
      + "AS high)) SELECT a.id || char(10) || COALESCE(a.hostname, '') || char(10) || COALESCE(a.ip, '') "
      + "FROM agent_search_keys k JOIN agents a ON a.id = k.agent_id WHERE k.search_rowid IN (SELECT low + CASE "
      + "WHEN width <= " + SAMPLED + " THEN n - 1 ELSE ABS(RANDOM() % width) END FROM draw, span WHERE n <= width)";
  /**
   * Each agent with the same chance, about SAMPLED of them by the planner's count (all of a fleet it counts no
   * larger). BERNOULLI reads every page (30 ms at a million agents) where SYSTEM would read a few, but SYSTEM's
   * agents come in runs of neighbours, whose ids share more than the fleet's do. A count the planner does not have
   * yet (a table never analysed, after a restore) samples every agent, of whom SAMPLED are kept.
   */
  private static final String SAMPLE_POSTGRES = "SELECT text FROM agent_search TABLESAMPLE BERNOULLI ((SELECT "
      + "LEAST(100, 100.0 * " + SAMPLED + " / GREATEST(reltuples, 1)) FROM pg_class "
      + "WHERE oid = 'agent_search'::regclass)) LIMIT " + SAMPLED;

  private AgentSearch() {
  }

  /**
   * Whether the store has the trigram index. SQLite always does; PostgreSQL does when V8__agent_search could
   * create the pg_trgm extension, or an operator added the index later (README, "SQLite or PostgreSQL").
   */
  public static Future<Boolean> indexed(Sql sql) {
    return sql.dialect() == Dialect.SQLITE
        ? Future.succeededFuture(true)
        : sql.query("SELECT COUNT(*) FROM pg_indexes WHERE tablename = 'agent_search' "
            + "AND indexdef LIKE '%gin_trgm_ops%'").map(rows -> rows.iterator().next().getLong(0) > 0);
  }

  /** Some agents' texts, taken at random. */
  static Future<SearchSample> sample(Sql sql) {
    return sql.query(sql.dialect() == Dialect.SQLITE ? SAMPLE_SQLITE : SAMPLE_POSTGRES).map(rows -> SearchSample.of(
        StreamSupport.stream(rows.spliterator(), false).map(row -> row.getString(0)).toList()));
  }

  /**
   * The conditions on the derived table {@code x} of the page query, with their parameters added to params.
   *
   * @param plan the term and how to find it (see {@link SearchSample#plan})
   */
  static String sql(SearchSample.SearchPlan plan, Dialect dialect, List<Object> params) {
    List<String> exact = new ArrayList<>();
    List<String> candidates = new ArrayList<>();
    for (SearchSample.SearchPlan spelling : plan.spellings()) {
      params.add(spelling.term());
      String term = "LOWER($" + params.size() + ")";
      for (String column : List.of("x.id", "COALESCE(x.hostname, '')", "COALESCE(x.ip, '')")) {
        exact.add(holds(dialect, "LOWER(" + column + ")", term));
      }
      if (spelling.indexed() != null) {
        candidates.add(candidates(spelling.indexed(), term, dialect, params));
      }
    }
    String found = " AND (" + String.join(" OR ", exact) + ")";
    return candidates.isEmpty() ? found : found + " AND x.id IN (" + String.join(" UNION ", candidates) + ")";
  }

  /** The agents the trigram index gives for the part, with the term (a store expression) in their text. */
  private static String candidates(String part, String term, Dialect dialect, List<Object> params) {
    if (dialect == Dialect.POSTGRES) {
      // pg_trgm serves LIKE and ILIKE, whose escape character is a backslash unless said otherwise. agent_search's
      // text is lower-cased but for the ip, and the part is as sent, hence ILIKE.
      params.add(Sql.containing(part));
      return "SELECT agent_id FROM agent_search WHERE text ILIKE $" + params.size() + " AND "
          + holds(dialect, "LOWER(text)", term);
    }
    // SQLite's trigram table serves LIKE only without ESCAPE, ignoring case: a % or _ in the term is then a
    // wildcard, which finds more candidates, never fewer. Its LIKE ignores the case of ASCII letters only, as its
    // LOWER does. An OR of two LIKEs would read the whole table, hence one query per spelling.
    params.add("%" + part + "%");
    return "SELECT k.agent_id FROM agent_search JOIN agent_search_keys k ON k.search_rowid = agent_search.rowid "
        + "WHERE agent_search.text LIKE $" + params.size() + " AND " + holds(dialect, "LOWER(agent_search.text)", term);
  }

  /**
   * The text holds the term. A function where LIKE would do, for PostgreSQL's planner: it takes a LIKE of a term in
   * the middle to hold for very few agents, so it read the whole fleet for a term most agents hold instead of
   * reading them in the page's order and stopping at a page (400 -> 1 ms).
   */
  private static String holds(Dialect dialect, String text, String term) {
    return (dialect == Dialect.POSTGRES ? "strpos(" : "instr(") + text + ", " + term + ") > 0";
  }
}
