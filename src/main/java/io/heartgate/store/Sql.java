package io.heartgate.store;

import io.heartgate.core.Page;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;

/**
 * What repositories run SQL through: the store's pool, or the connection of a transaction, alike. SQL is written
 * once with PostgreSQL's {@code $n} placeholders; this client speaks the dialect of the store underneath.
 */
public interface Sql {
  Dialect dialect();

  Future<RowSet<Row>> query(String sql, Tuple params);

  default Future<RowSet<Row>> query(String sql) {
    return query(sql, Tuple.tuple());
  }

  /** The first column of every row, as text, in their order. */
  default Future<List<String>> strings(String sql, Tuple params) {
    return query(sql, params).map(rows -> {
      List<String> column = new ArrayList<>(rows.size());
      rows.forEach(row -> column.add(row.getString(0)));
      return column;
    });
  }

  /**
   * The ids and names of the table's first {@code limit} rows by name (unique there) after {@code name} (null: from
   * the first), along its index of names: the keyset of a listing by name, for its repository.
   */
  default Future<List<Page.Keyed<String>>> idsByName(String table, String name, int limit) {
    return keyedByName(name == null ? "SELECT id, name FROM " + table + " ORDER BY name LIMIT $1"
        : "SELECT id, name FROM " + table + " WHERE name > $2 ORDER BY name LIMIT $1",
        name == null ? Tuple.of(limit) : Tuple.of(limit, name));
  }

  /** Each row's {@code id} with its {@code name} as its key, in their order. */
  default Future<List<Page.Keyed<String>>> keyedByName(String sql, Tuple params) {
    return query(sql, params).map(rows -> {
      List<Page.Keyed<String>> keyed = new ArrayList<>(rows.size());
      rows.forEach(row -> keyed.add(new Page.Keyed<>(row.getString("id"), row.getString("name"))));
      return keyed;
    });
  }

  /** {@code $from, $from+1, …}: {@code count} placeholders, e.g. for an {@code IN (…)} list. */
  static String placeholders(int from, int count) {
    StringBuilder sql = new StringBuilder();
    for (int i = from; i < from + count; i++) {
      sql.append(i == from ? "$" : ", $").append(i);
    }
    return sql.toString();
  }

  /** The LIKE pattern, to be used with {@code ESCAPE '\\'}, of any text that contains this one as it is. */
  static String containing(String text) {
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
  }

  /** One statement run once per tuple, in one round trip where the dialect allows. */
  Future<RowSet<Row>> batch(String sql, List<Tuple> params);
}
