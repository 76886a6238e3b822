package io.heartgate.agents;

import io.heartgate.store.Dialect;
import io.heartgate.store.Sql;
import io.vertx.core.Future;
import java.util.List;
import java.util.Locale;

/**
 * The SQL of {@code ?search=}: a case-insensitive substring of an agent's id, hostname or ip. Each agent row of the
 * page query is tested exactly; when the term has three characters or more, the agents are first narrowed by the
 * trigram index of agent_search (V8__agent_search), so a search of a million agents reads the few that match
 * instead of every one. The index holds the same three columns, so it never leaves out an agent the exact test
 * would keep (on SQLite the heartbeat writer adds the agents it creates in the same transaction, see
 * V11__agent_search_per_batch; an agent inserted by other means is added with the next batch).
 */
public final class AgentSearch {
  /** The shortest term a trigram index can look up. */
  private static final int INDEXED_LENGTH = 3;

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

  /**
   * The conditions on the derived table {@code x} of the page query, with their parameters added to params.
   *
   * @param search the term as the client sent it
   */
  static String sql(String search, Dialect dialect, List<Object> params) {
    String term = search.toLowerCase(Locale.ROOT);
    params.add(Sql.containing(term));
    String pattern = "$" + params.size();
    String exact = " AND (LOWER(x.id) LIKE " + pattern + " ESCAPE '\\' OR LOWER(COALESCE(x.hostname, '')) LIKE "
        + pattern + " ESCAPE '\\' OR COALESCE(x.ip, '') LIKE " + pattern + " ESCAPE '\\')";
    if (search.codePointCount(0, search.length()) < INDEXED_LENGTH) {
      return exact;
    }
    if (dialect == Dialect.POSTGRES) {
      // pg_trgm serves LIKE (whose escape character is a backslash unless said otherwise, as in the pattern);
      // agent_search.text is lower-cased as the exact test compares.
      return exact + " AND x.id IN (SELECT agent_id FROM agent_search WHERE text LIKE " + pattern + ")";
    }
    // SQLite's trigram table serves LIKE only without ESCAPE, ignoring case: a % or _ in the term is then a
    // wildcard, which finds more candidates, never fewer.
    params.add("%" + term + "%");
    return exact + " AND x.id IN (SELECT k.agent_id FROM agent_search JOIN agent_search_keys k "
        + "ON k.search_rowid = agent_search.rowid WHERE agent_search.text LIKE $" + params.size() + ")";
  }
}
