package io.heartgate.bench;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The agents scenario's tools (src/bench/agents.sh): a store with a million agents, and the agents API timed on it.
 *
 * <ul>
 *   <li>{@code fill <sqlite|postgres> <file | port/database> <agents> <body-file> <fresh-until-ms>}: adds, straight
 *       by SQL in transactions of 100,000, the agents {@code fleet-agent-0000001…} the store lacks (so that it also
 *       refills what a sweep deleted), each with its heartbeat details (the body file with the agent's id and its logs, ~1 KiB).
 *       The last tenth (at most 100,000) are "retiring": a reporting rule named {@code retiring} (not reporting
 *       after a week, no auto-delete), silent for 2 to 3 hours. Of the others one in 64 is silent for 5 to 60
 *       minutes (not reporting), and the rest were seen within the 60 s before {@code fresh-until-ms}, a time the
 *       script puts ahead of the run so that they stay fresh through it (a negative age counts as lt5m). Versions,
 *       hostnames and reported statuses vary as in a fleet. Prints one RESULT line.</li>
 *   <li>{@code timings <apiPort> <agent-id> <search>}: as the bench owner, times the summary, the first page by
 *       lastSeen newest and oldest first, a search and one agent: the first call and the median of 5. One RESULT
 *       line.</li>
 * </ul>
 * PostgreSQL is reached on 127.0.0.1 as user {@code postgres} (trust), as in StoreCheck.
 */
public final class AgentsAtScale {
  /** The retiring agents' rule (agents.sh changes its auto-delete time). */
  static final String RETIRING_RULE = "00000000-0000-4000-8000-00000000beef";
  private static final int CHUNK = 100_000;
  /**
   * On SQLite new agents reach the search index once per batch, as the heartbeat writer adds them
   * (HeartbeatRepository, V11__agent_search_per_batch): the same statement after each chunk.
   */
  private static final String SQLITE_INDEX_NEW_AGENTS = "INSERT INTO agent_search (rowid, text) "
      + "SELECT k.search_rowid, a.id || char(10) || COALESCE(a.hostname, '') || char(10) || COALESCE(a.ip, '') "
      + "FROM agent_search_keys k JOIN agents a ON a.id = k.agent_id "
      + "WHERE k.search_rowid > COALESCE((SELECT rowid FROM agent_search ORDER BY rowid DESC LIMIT 1), 0)";
  private static final String OWNER = "{\"username\":\"bench-owner\",\"password\":\"bench-password-123\"}";

  public static void main(String[] args) throws Exception {
    switch (args[0]) {
      case "fill" -> fill(args[1], args[2], Integer.parseInt(args[3]), Files.readString(Path.of(args[4])),
          Long.parseLong(args[5]));
      case "timings" -> withHttp(http -> timings(http, Integer.parseInt(args[1]), args[2], args[3]));
      default -> throw new IllegalArgumentException("unknown command " + args[0]);
    }
  }

  // ------------------------------------------------------------------------------------------------------------
  // fill

  /** The agent columns of row i (1-based) of n, in the dialect's SQL; {@code $now}/{@code $fresh} are times. */
  private static String agentsSql(boolean sqlite, int n) {
    String id = sqlite ? "'fleet-agent-' || printf('%07d', i)" : "'fleet-agent-' || lpad(i::text, 7, '0')";
    int retiringFrom = n - Math.min(100_000, n / 10);
    String lastSeen = "CASE WHEN i > " + retiringFrom + " THEN $now - 7200000 - (i % 3600) * 1000"
        + " WHEN i % 64 = 0 THEN $now - 300000 - (i * 7919) % 3300000"
        + " ELSE $fresh - (i * 7919) % 60000 END";
    return "SELECT " + id + " AS id, " + id + " || '.fleet.example' AS hostname, '10.' || ((i / 65536) % 256)"
        + " || '.' || ((i / 256) % 256) || '.' || (i % 256) AS ip,"
        + " CASE i % 10 WHEN 0 THEN 'Telegraf 1.36.4' WHEN 1 THEN 'Telegraf 1.35.2' WHEN 2 THEN 'Telegraf 1.34.1'"
        + " ELSE 'Telegraf 1.37.0' END AS version,"
        + " CASE WHEN i % 50 = 0 THEN 'warn' WHEN i % 199 = 0 THEN 'fail' WHEN i % 331 = 0 THEN NULL ELSE 'ok' END"
        + " AS reported_status, " + lastSeen + " AS last_seen,"
        + " CASE WHEN i > " + retiringFrom + " THEN '" + RETIRING_RULE + "' END AS reporting_rule_id";
  }

  private static void fill(String kind, String where, int n, String body, long freshUntil) throws Exception {
    boolean sqlite = kind.equals("sqlite");
    long now = System.currentTimeMillis();
    JsonObject heartbeat = new JsonObject(body).put("id", "@ID@").put("hostname", "@HOST@");
    String template = heartbeat.encode();
    String logs = heartbeat.getJsonArray("logs").encode().replace("'", "''");
    String rule = "INSERT INTO reporting_rules (id, name, not_reporting_after_seconds, auto_delete_after_seconds, "
        + "is_default, created_at, updated_at) VALUES ('" + RETIRING_RULE + "', 'retiring', 604800, NULL, 0, " + now
        + ", " + now + ") ON CONFLICT DO NOTHING";
    String series = sqlite
        ? "WITH RECURSIVE s(i) AS (SELECT $from UNION ALL SELECT i + 1 FROM s WHERE i < $to) "
        : "WITH s(i) AS (SELECT generate_series(CAST($from AS BIGINT), $to)) ";
    String agents = (sqlite ? "INSERT OR IGNORE" : "INSERT") + " INTO agents (id, hostname, ip, version, "
        + "reported_status, first_seen, last_seen, heartbeats, statistics, reporting_rule_id) "
        + series + "SELECT id, hostname, ip, version, reported_status, last_seen - 86400000, last_seen, 1440, "
        + "'{\"errors\":0,\"warnings\":1,\"metrics\":412}', reporting_rule_id FROM (" + agentsSql(sqlite, n)
        + " FROM s) a" + (sqlite ? "" : " ON CONFLICT DO NOTHING");
    String details = (sqlite ? "INSERT OR IGNORE" : "INSERT") + " INTO agent_heartbeats (agent_id, configurations, "
        + "logs, payload, received_at) SELECT a.id, '[\"/etc/telegraf/telegraf.conf\",\"http://heartgate:8080/c/base\"]', "
        + "'" + logs + "', REPLACE(REPLACE(" + (sqlite ? "?" : "$1") + ", '@ID@', a.id), '@HOST@', a.hostname), a.last_seen "
        + "FROM agents a WHERE a.id >= " + (sqlite ? "?" : "$2") + " AND a.id <= " + (sqlite ? "?" : "$3")
        + (sqlite ? "" : " ON CONFLICT DO NOTHING");
    long start = System.nanoTime();
    long before;
    long after;
    try (Db db = sqlite ? new SqliteDb(where) : new PostgresDb(where)) {
      before = db.count();
      db.run(rule);
      for (int from = 1; from <= n; from += CHUNK) {
        int to = Math.min(n, from + CHUNK - 1);
        db.run(agents.replace("$from", "" + from).replace("$to", "" + to).replace("$now", "" + now)
            .replace("$fresh", "" + freshUntil));
        db.details(details, template, String.format(Locale.ROOT, "fleet-agent-%07d", from),
            String.format(Locale.ROOT, "fleet-agent-%07d", to));
        if (sqlite) {
          db.run(SQLITE_INDEX_NEW_AGENTS);
        }
        System.err.printf(Locale.ROOT, "filled up to agent %d (%.0f s)%n", to, (System.nanoTime() - start) / 1e9);
      }
      db.analyze();
      after = db.count();
    }
    System.out.printf(Locale.ROOT, "RESULT agents=%d added=%d fill_s=%.1f%n", after, after - before,
        (System.nanoTime() - start) / 1e9);
  }

  private interface Db extends AutoCloseable {
    void run(String sql) throws Exception;

    void details(String sql, String template, String fromId, String toId) throws Exception;

    long count() throws Exception;

    void analyze() throws Exception;
  }

  private static final class SqliteDb implements Db {
    private final Connection connection;

    SqliteDb(String file) throws Exception {
      connection = DriverManager.getConnection("jdbc:sqlite:" + file);
      try (var s = connection.createStatement()) {
        s.execute("PRAGMA journal_mode = WAL");
        s.execute("PRAGMA foreign_keys = ON");
        s.execute("PRAGMA busy_timeout = 10000");
      }
    }

    @Override
    public void run(String sql) throws Exception {
      try (var s = connection.createStatement()) {
        s.executeUpdate(sql);
      }
    }

    @Override
    public void details(String sql, String template, String fromId, String toId) throws Exception {
      try (PreparedStatement s = connection.prepareStatement(sql)) {
        s.setString(1, template);
        s.setString(2, fromId);
        s.setString(3, toId);
        s.executeUpdate();
      }
    }

    @Override
    public long count() throws Exception {
      try (var s = connection.createStatement(); var rs = s.executeQuery("SELECT COUNT(*) FROM agents")) {
        rs.next();
        return rs.getLong(1);
      }
    }

    @Override
    public void analyze() throws Exception {
      run("ANALYZE");
    }

    @Override
    public void close() throws Exception {
      connection.close();
    }
  }

  private static final class PostgresDb implements Db {
    private final Vertx vertx = Vertx.vertx();
    private final Pool pool;

    PostgresDb(String where) {
      String[] parts = where.split("/", 2);
      pool = PgBuilder.pool().connectingTo(new PgConnectOptions().setHost("127.0.0.1")
          .setPort(Integer.parseInt(parts[0])).setDatabase(parts[1]).setUser("postgres")).using(vertx).build();
    }

    @Override
    public void run(String sql) throws Exception {
      pool.query(sql).execute().await(30, TimeUnit.MINUTES);
    }

    @Override
    public void details(String sql, String template, String fromId, String toId) throws Exception {
      pool.preparedQuery(sql).execute(Tuple.of(template, fromId, toId)).await(30, TimeUnit.MINUTES);
    }

    @Override
    public long count() throws Exception {
      return pool.query("SELECT COUNT(*) FROM agents").execute().await(10, TimeUnit.MINUTES).iterator().next()
          .getLong(0);
    }

    @Override
    public void analyze() throws Exception {
      run("VACUUM ANALYZE");
    }

    @Override
    public void close() throws Exception {
      pool.close().await(10, TimeUnit.SECONDS);
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  // ------------------------------------------------------------------------------------------------------------
  // HTTP

  private interface HttpWork {
    void run(Http http) throws Exception;
  }

  private static void withHttp(HttpWork work) throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      work.run(new Http(vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true))));
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  private record Reply(int status, Buffer body) {
    JsonObject json() {
      return new JsonObject(body);
    }
  }

  private record Http(HttpClientAgent client) {
    Reply call(int port, HttpMethod method, String uri, String cookie, Buffer body) throws Exception {
      RequestOptions options = new RequestOptions().setHost("127.0.0.1").setPort(port).setMethod(method).setURI(uri);
      if (cookie != null) {
        options.putHeader("Cookie", cookie);
      }
      if (body != null) {
        options.putHeader("Content-Type", "application/json");
      }
      return client.request(options)
          .compose(request -> body == null ? request.send() : request.send(body))
          .compose(response -> response.body().map(b -> new Reply(response.statusCode(), b)))
          .await(5, TimeUnit.MINUTES);
    }

    Reply expect(int status, int port, HttpMethod method, String uri, String cookie, Buffer body) throws Exception {
      Reply reply = call(port, method, uri, cookie, body);
      if (reply.status != status) {
        throw new IllegalStateException(method + " " + uri + ": expected " + status + ", got " + reply.status + " "
            + reply.body);
      }
      return reply;
    }

    String login(int port) throws Exception {
      RequestOptions options = new RequestOptions().setHost("127.0.0.1").setPort(port).setMethod(HttpMethod.POST)
          .setURI("/api/auth/login/local").putHeader("Content-Type", "application/json");
      return client.request(options).compose(request -> request.send(OWNER)).map(response -> {
        if (response.statusCode() != 200) {
          throw new IllegalStateException("login: " + response.statusCode());
        }
        return response.cookies().stream().map(c -> c.split(";", 2)[0])
            .filter(c -> c.startsWith("heartgate_session=")).findFirst().orElseThrow();
      }).await(1, TimeUnit.MINUTES);
    }
  }

  /** The first of five calls and their median, in ms, and the last answer. */
  private record Timed(double firstMs, double medianMs, JsonObject last) {
    String fields(String name) {
      return String.format(Locale.ROOT, "%s_first_ms=%.1f %s_median_ms=%.1f", name, firstMs, name, medianMs);
    }
  }

  private static Timed timed(Http http, int port, String cookie, String uri) throws Exception {
    double[] ms = new double[5];
    JsonObject last = null;
    for (int i = 0; i < ms.length; i++) {
      long t = System.nanoTime();
      Reply reply = http.expect(200, port, HttpMethod.GET, uri, cookie, null);
      ms[i] = (System.nanoTime() - t) / 1e6;
      last = reply.json();
    }
    double first = ms[0];
    Arrays.sort(ms);
    return new Timed(first, ms[ms.length / 2], last);
  }

  private static void timings(Http http, int port, String agentId, String search) throws Exception {
    String cookie = http.login(port);
    Timed summary = timed(http, port, cookie, "/api/agents/summary");
    Timed newest = timed(http, port, cookie, "/api/agents?sortBy=lastSeen&sortOrder=desc");
    Timed oldest = timed(http, port, cookie, "/api/agents?sortBy=lastSeen&sortOrder=asc");
    Timed found = timed(http, port, cookie, "/api/agents?search=" + search);
    Timed agent = timed(http, port, cookie, "/api/agents/" + agentId);
    JsonObject status = summary.last.getJsonObject("status");
    System.out.printf(Locale.ROOT, "RESULT summary_total=%d not_reporting=%d newest_page=%d oldest_page=%d "
            + "search_page=%d %s %s %s %s %s%n", summary.last.getLong("total"), status.getLong("not_reporting"),
        newest.last.getJsonArray("agents").size(), oldest.last.getJsonArray("agents").size(),
        found.last.getJsonArray("agents").size(), summary.fields("summary"), newest.fields("newest"),
        oldest.fields("oldest"), found.fields("search"), agent.fields("agent"));
  }
}
