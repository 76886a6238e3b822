package io.heartgate.heartbeat;

import io.heartgate.store.Dialect;
import io.heartgate.store.Store;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.sqlclient.Tuple;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a batch of coalesced heartbeats in one transaction: the narrow agents row of every agent, and the big
 * part of its latest heartbeat (configurations, logs) only where that changed. On PostgreSQL one statement
 * upserts both tables from unnest() arrays; on SQLite (in-process, no round trips) one statement reads which
 * agents' details changed (by their hash in the agents row), one JDBC batch writes the agents rows, one the changed
 * details, and one statement adds the new agents to the search index, all in one task with the driver's own API
 * (see {@link Store#inJdbcTransaction}).
 */
final class HeartbeatRepository {
  private static final String AGENT_COLUMNS =
      "id, hostname, ip, version, reported_status, statistics, first_seen, last_seen, heartbeats";
  private static final String AGENT_UPDATE = " ON CONFLICT (id) DO UPDATE SET hostname = excluded.hostname, "
      + "ip = excluded.ip, version = excluded.version, reported_status = excluded.reported_status, "
      + "statistics = excluded.statistics, last_seen = %s(agents.last_seen, excluded.last_seen), "
      + "heartbeats = agents.heartbeats + excluded.heartbeats";
  /** SQLite: with the hash of the details the batch leaves stored (see V13__agent_details_hash). */
  private static final String SQLITE_AGENTS = Dialect.SQLITE.sql("INSERT INTO agents (" + AGENT_COLUMNS
      + ", details_hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8, $9)" + AGENT_UPDATE.formatted("MAX")
      + ", details_hash = excluded.details_hash");
  /** SQLite: the hash of the details stored for each of the agents of a JSON array of ids that has one. */
  private static final String SQLITE_STORED_HASHES = Dialect.SQLITE.sql("SELECT id, details_hash FROM agents "
      + "WHERE details_hash IS NOT NULL AND id IN (SELECT value FROM json_each($1))");

  // The big columns are rewritten only when they differ from what is stored (and the row is then left alone).
  private static final String DETAIL_UPDATE = " ON CONFLICT (agent_id) DO UPDATE SET "
      + "configurations = excluded.configurations, logs = excluded.logs, payload = excluded.payload, "
      + "received_at = excluded.received_at WHERE "
      + "agent_heartbeats.configurations IS DISTINCT FROM excluded.configurations "
      + "OR agent_heartbeats.logs IS DISTINCT FROM excluded.logs "
      + "OR agent_heartbeats.payload IS DISTINCT FROM excluded.payload";
  /**
   * Both upserts in one statement (a data-modifying CTE): one round trip and an implicit transaction instead of
   * BEGIN, two statements and COMMIT. The foreign key of a new agent's details is checked at the end of the
   * statement, when its agents row exists. Rows are locked in id order in each table, on every node alike, and
   * the details before the agents rows (PostgreSQL runs a WITH part that the main statement does not read after
   * it): whatever else locks both, such as deleting an agent, must take them in that order too. Details as they
   * were stored are left out before the upsert: ON CONFLICT DO UPDATE locks its row even when its WHERE is false,
   * a write to the table and to the log for most heartbeats of a fleet. The WHERE stays for a row another batch
   * changes meanwhile.
   */
  private static final String POSTGRES_BATCH = "WITH written AS (INSERT INTO agents (" + AGENT_COLUMNS + ") "
      + "SELECT id, hostname, ip, version, reported_status, statistics, seen, seen, heartbeats "
      + "FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::bigint[], "
      + "$8::bigint[]) AS t(id, hostname, ip, version, reported_status, statistics, seen, heartbeats) ORDER BY id"
      + AGENT_UPDATE.formatted("GREATEST") + ") "
      + "INSERT INTO agent_heartbeats (agent_id, configurations, logs, payload, received_at) "
      + "SELECT * FROM unnest($1::text[], $9::text[], $10::text[], $11::text[], $7::bigint[]) "
      + "AS t(agent_id, configurations, logs, payload, received_at) WHERE NOT EXISTS (SELECT 1 FROM agent_heartbeats h "
      + "WHERE h.agent_id = t.agent_id AND h.configurations IS NOT DISTINCT FROM t.configurations "
      + "AND h.logs IS NOT DISTINCT FROM t.logs AND h.payload IS NOT DISTINCT FROM t.payload) ORDER BY 1"
      + DETAIL_UPDATE;
  private static final String SQLITE_DETAILS = Dialect.SQLITE.sql(
      "INSERT INTO agent_heartbeats (agent_id, configurations, logs, payload, received_at) "
      + "VALUES ($1, $2, $3, $4, $5)" + DETAIL_UPDATE);
  /**
   * SQLite: the agents the batch created, added to the search index in one statement (see
   * V11__agent_search_per_batch), with the text V8__agent_search indexes: those whose key is above the newest
   * indexed one (a new key's rowid is above that of every key there is, and every indexed agent has its key).
   */
  private static final String SQLITE_INDEX_NEW_AGENTS = "INSERT INTO agent_search (rowid, text) "
      + "SELECT k.search_rowid, a.id || char(10) || COALESCE(a.hostname, '') || char(10) || COALESCE(a.ip, '') "
      + "FROM agent_search_keys k JOIN agents a ON a.id = k.agent_id "
      + "WHERE k.search_rowid > COALESCE((SELECT rowid FROM agent_search ORDER BY rowid DESC LIMIT 1), 0)";

  /** The newest heartbeat of an agent and how many acknowledged heartbeats it stands for. */
  record Coalesced(AgentHeartbeat latest, int count) {
  }

  private final Store store;

  HeartbeatRepository(Store store) {
    this.store = store;
  }

  /**
   * Writes the batch, whose agents are distinct and sorted by id (so that concurrent batches of several nodes
   * lock rows in the same order and cannot deadlock).
   */
  Future<Void> write(List<Coalesced> batch) {
    return store.dialect() == Dialect.POSTGRES
        ? writePostgres(batch)
        : store.inJdbcTransaction(connection -> writeSqlite(connection, batch));
  }

  private Future<Void> writePostgres(List<Coalesced> batch) {
    int n = batch.size();
    String[] ids = new String[n];
    String[] hostnames = new String[n];
    String[] ips = new String[n];
    String[] versions = new String[n];
    String[] statuses = new String[n];
    String[] statistics = new String[n];
    Long[] seen = new Long[n];
    Long[] counts = new Long[n];
    String[] configurations = new String[n];
    String[] logs = new String[n];
    String[] extras = new String[n];
    for (int i = 0; i < n; i++) {
      AgentHeartbeat hb = batch.get(i).latest();
      HeartbeatBody body = hb.body();
      ids[i] = body.id();
      hostnames[i] = body.hostname();
      ips[i] = hb.ip();
      versions[i] = body.version();
      statuses[i] = body.reportedStatus();
      statistics[i] = body.statistics();
      seen[i] = hb.receivedAt();
      counts[i] = (long) batch.get(i).count();
      configurations[i] = body.configurations();
      logs[i] = body.logs();
      extras[i] = body.extras();
    }
    Tuple arrays = Tuple.tuple().addArrayOfString(ids).addArrayOfString(hostnames).addArrayOfString(ips)
        .addArrayOfString(versions).addArrayOfString(statuses).addArrayOfString(statistics)
        .addArrayOfLong(seen).addArrayOfLong(counts)
        .addArrayOfString(configurations).addArrayOfString(logs).addArrayOfString(extras);
    return store.query(POSTGRES_BATCH, arrays).mapEmpty();
  }

  /**
   * Writes the batch's agents rows and, where the hash of the details stored differs from the new one (or there is
   * none), its details: most heartbeats leave their details as they were, and so cost one statement, not two.
   */
  private static void writeSqlite(Connection connection, List<Coalesced> batch) throws SQLException {
    DetailsHash hash = new DetailsHash();
    long[] hashes = new long[batch.size()];
    for (int i = 0; i < hashes.length; i++) {
      hashes[i] = hash.of(batch.get(i).latest().body());
    }
    Map<String, Long> stored = storedHashes(connection, batch);
    try (PreparedStatement agents = connection.prepareStatement(SQLITE_AGENTS);
        PreparedStatement details = connection.prepareStatement(SQLITE_DETAILS);
        PreparedStatement index = connection.prepareStatement(SQLITE_INDEX_NEW_AGENTS)) {
      for (int i = 0; i < hashes.length; i++) {
        Coalesced coalesced = batch.get(i);
        AgentHeartbeat hb = coalesced.latest();
        HeartbeatBody body = hb.body();
        agents.setString(1, body.id());
        agents.setString(2, body.hostname());
        agents.setString(3, hb.ip());
        agents.setString(4, body.version());
        agents.setString(5, body.reportedStatus());
        agents.setString(6, body.statistics());
        agents.setLong(7, hb.receivedAt());
        agents.setLong(8, coalesced.count());
        agents.setLong(9, hashes[i]);
        agents.addBatch();
        Long storedHash = stored.get(body.id());
        if (storedHash == null || storedHash != hashes[i]) {
          details.setString(1, body.id());
          details.setString(2, body.configurations());
          details.setString(3, body.logs());
          details.setString(4, body.extras());
          details.setLong(5, hb.receivedAt());
          details.addBatch();
        }
      }
      agents.executeBatch();
      details.executeBatch();
      index.executeUpdate();
    }
  }

  /** Agent id → the hash of its details stored, for the batch's agents that have one. */
  private static Map<String, Long> storedHashes(Connection connection, List<Coalesced> batch) throws SQLException {
    JsonArray ids = new JsonArray(new ArrayList<>(batch.size()));
    for (Coalesced coalesced : batch) {
      ids.add(coalesced.latest().body().id());
    }
    Map<String, Long> stored = new HashMap<>();
    try (PreparedStatement select = connection.prepareStatement(SQLITE_STORED_HASHES)) {
      select.setString(1, ids.encode());
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          stored.put(rows.getString(1), rows.getLong(2));
        }
      }
    }
    return stored;
  }
}
