package io.heartgate.bench;

import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;

/**
 * Reads the agents table straight from the store after a run: how many rows, how many were seen since a given
 * time, the range of {@code last_seen} and the sum of the heartbeat counters. Prints one RESULT line.
 *
 * <p>Usage: {@code StoreCheck sqlite <file> <sinceMillis>} or {@code StoreCheck postgres <port>/<database> <sinceMillis>}
 * (PostgreSQL on 127.0.0.1, user {@code postgres}, trust authentication).
 */
public final class StoreCheck {
  private static final String SQL = "SELECT COUNT(*), SUM(CASE WHEN last_seen >= %d THEN 1 ELSE 0 END), "
      + "MIN(last_seen), MAX(last_seen), SUM(heartbeats) FROM agents";

  public static void main(String[] args) throws Exception {
    long since = Long.parseLong(args[2]);
    String sql = SQL.formatted(since);
    long[] r = new long[5];
    if (args[0].equals("sqlite")) {
      try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + args[1]);
          Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
        rs.next();
        for (int i = 0; i < r.length; i++) {
          r[i] = rs.getLong(i + 1);
        }
      }
    } else {
      Vertx vertx = Vertx.vertx();
      String[] where = args[1].split("/", 2);
      Pool pool = PgBuilder.pool().connectingTo(new PgConnectOptions().setHost("127.0.0.1")
          .setPort(Integer.parseInt(where[0])).setDatabase(where[1]).setUser("postgres")).using(vertx).build();
      try {
        Row row = pool.query(sql).execute().await(60, TimeUnit.SECONDS).iterator().next();
        for (int i = 0; i < r.length; i++) {
          Object v = row.getValue(i);
          r[i] = v == null ? 0 : ((Number) v).longValue();
        }
      } finally {
        pool.close().await(10, TimeUnit.SECONDS);
        vertx.close().await(10, TimeUnit.SECONDS);
      }
    }
    System.out.printf("RESULT rows=%d seen_since=%d min_last_seen=%d max_last_seen=%d heartbeats=%d%n",
        r[0], r[1], r[2], r[3], r[4]);
  }
}
