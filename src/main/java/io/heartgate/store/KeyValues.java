package io.heartgate.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Tuple;
import java.util.Optional;

/**
 * The one owner of the {@code settings} table: small values the gateway keeps for itself under a key (the generated
 * session secret, the record of the last agent sweep), shared by every node on the same store.
 */
public final class KeyValues {
  private final Sql sql;

  public KeyValues(Sql sql) {
    this.sql = sql;
  }

  public Future<Optional<String>> get(String key) {
    return sql.query("SELECT value FROM settings WHERE key = $1", Tuple.of(key))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(rows.iterator().next().getString("value")));
  }

  /** Sets the value, replacing what the key held. */
  public Future<Void> put(String key, String value, long nowMillis) {
    return sql.query("INSERT INTO settings (key, value, updated_at) VALUES ($1, $2, $3) "
        + "ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
        Tuple.of(key, value, nowMillis)).mapEmpty();
  }

  /** Sets the value unless the key holds one already (another node may have been first); returns what it holds. */
  public Future<String> putIfAbsent(String key, String value, long nowMillis) {
    return sql.query("INSERT INTO settings (key, value, updated_at) VALUES ($1, $2, $3) ON CONFLICT (key) DO NOTHING",
            Tuple.of(key, value, nowMillis))
        .compose(ignored -> get(key))
        .map(Optional::orElseThrow);
  }
}
