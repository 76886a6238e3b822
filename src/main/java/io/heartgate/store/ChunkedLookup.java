package io.heartgate.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Looks many values up (or writes the rows they name) through {@code IN (…)} lists, in chunks the stores' limits on
 * parameters allow (PostgreSQL's protocol takes at most 65,535 per statement).
 */
public final class ChunkedLookup {
  /** Values per query, well under either store's limit of parameters. */
  public static final int CHUNK = 500;

  private ChunkedLookup() {
  }

  /**
   * Runs the query once per chunk of at most {@value #CHUNK} values, one after another, and hands each chunk's
   * rows to onRows; no query for no values. sql makes the query from the chunk's placeholders ({@code $1, $2, …}).
   */
  public static Future<Void> run(Sql client, List<String> values, Function<String, String> sql,
      Consumer<RowSet<Row>> onRows) {
    return run(client, List.of(), values, sql, onRows);
  }

  /**
   * As {@link #run(Sql, List, Function, Consumer)}, each statement taking the leading parameters first
   * ({@code $1} and on); the chunk's placeholders follow them.
   */
  public static Future<Void> run(Sql client, List<Object> leading, List<String> values, Function<String, String> sql,
      Consumer<RowSet<Row>> onRows) {
    Future<Void> chain = Future.succeededFuture();
    for (List<String> chunk : chunks(values)) {
      List<Object> params = new ArrayList<>(leading);
      params.addAll(chunk);
      String in = Sql.placeholders(leading.size() + 1, params.size() - leading.size());
      chain = chain.compose(ignored -> client.query(sql.apply(in), Tuple.from(params))
          .map(rows -> {
            onRows.accept(rows);
            return null;
          }));
    }
    return chain;
  }

  /** The values in chunks of at most {@value #CHUNK}, in their order (views of the list). */
  public static List<List<String>> chunks(List<String> values) {
    List<List<String>> chunks = new ArrayList<>();
    for (int from = 0; from < values.size(); from += CHUNK) {
      chunks.add(values.subList(from, Math.min(values.size(), from + CHUNK)));
    }
    return chunks;
  }
}
