package io.heartgate.constants;

import io.heartgate.core.Conflict;
import io.heartgate.core.Page;
import io.heartgate.store.ChunkedLookup;
import io.heartgate.store.Sql;
import io.heartgate.store.Store;
import io.heartgate.store.UniqueViolation;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/** SQL for constants (table constants). */
public final class ConstantRepository {
  private static final String COLUMNS = "id, name, value, description, created_at, updated_at, value_changed_at";
  private static final String SELECT = "SELECT " + COLUMNS + " FROM constants";

  private final Store store;
  /** Listings, single constants and what downloads read: on SQLite the reading connection (see {@link Store#reads}). */
  private final Store reads;

  public ConstantRepository(Store store) {
    this.store = store;
    this.reads = store.reads();
  }

  /** What an update changes; a null field keeps the stored one. */
  public record Changes(String name, String value, String description) {
  }

  /** The ids of every constant, by name. */
  public Future<List<String>> ids() {
    return reads.strings("SELECT id FROM constants ORDER BY name", Tuple.tuple());
  }

  /** The ids of the first {@code limit} constants by name after {@code name} (null: from the first). */
  public Future<List<Page.Keyed<String>>> idsAfter(String name, int limit) {
    return reads.idsByName("constants", name, limit);
  }

  /** These constants, in no particular order; ids that name none are left out. */
  public Future<List<Constant>> byIds(List<String> ids) {
    return reads.query(SELECT + " WHERE id IN (" + Sql.placeholders(1, ids.size()) + ")",
        Tuple.from(new ArrayList<Object>(ids))).map(rows -> {
          List<Constant> constants = new ArrayList<>(rows.size());
          rows.forEach(row -> constants.add(toConstant(row)));
          return constants;
        });
  }

  public Future<Optional<Constant>> byId(String id) {
    return one(SELECT + " WHERE id = $1", id);
  }

  public Future<Optional<Constant>> byName(String name) {
    return one(SELECT + " WHERE name = $1", name);
  }

  /**
   * The defined constants among these names: one query for up to {@value ChunkedLookup#CHUNK} names (none for no
   * names).
   */
  public Future<DefinedConstants> named(Set<String> names) {
    Map<String, String> values = new HashMap<>();
    Map<String, Long> changedAt = new HashMap<>();
    return ChunkedLookup.run(reads, List.copyOf(names),
            in -> "SELECT name, value, value_changed_at FROM constants WHERE name IN (" + in + ")",
            rows -> rows.forEach(row -> {
              values.put(row.getString("name"), row.getString("value"));
              changedAt.put(row.getString("name"), row.getLong("value_changed_at"));
            }))
        .map(ignored -> new DefinedConstants(values, changedAt));
  }

  /**
   * The constant as stored. Fails with a {@link Conflict} when the name is taken.
   *
   * @param alongside work in the same transaction (what the new constant's users are part of moves with it)
   */
  public Future<Constant> insert(Constant constant, Function<Sql, Future<Void>> alongside) {
    return store.inTransaction(sql -> sql.query("INSERT INTO constants (" + COLUMNS + ") "
                + "VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING " + COLUMNS,
            Tuple.from(new Object[] {constant.id(), constant.name(), constant.value(), constant.description(),
                constant.createdAt(), constant.updatedAt(), constant.valueChangedAt()}))
            .compose(rows -> alongside.apply(sql).map(toConstant(rows.iterator().next()))))
        .recover(UniqueViolation.asConflict(ConstantRepository::nameTaken));
  }

  /** As {@link #update(String, Changes, long, long, Function)}, with nothing alongside. */
  public Future<Optional<Constant>> update(String id, Changes changes, long now, long valueChangedAt) {
    return update(id, changes, now, valueChangedAt, sql -> Future.succeededFuture());
  }

  /**
   * Applies the changes; the constant as they leave it, or empty when there is no such constant. The value's change
   * time moves to {@code valueChangedAt} only when the name or the value differs from the stored one; the comparison
   * and the move happen in the statement that writes them. Fails with a {@link Conflict} when the new name is taken.
   *
   * @param alongside work in the same transaction when there is such a constant
   */
  public Future<Optional<Constant>> update(String id, Changes changes, long now, long valueChangedAt,
      Function<Sql, Future<Void>> alongside) {
    String name = "CAST($2 AS TEXT)";
    String value = "CAST($3 AS TEXT)";
    return store.inTransaction(sql -> sql.query("UPDATE constants SET "
            + "value_changed_at = CASE WHEN (" + name + " IS NULL OR name = " + name + ") AND (" + value
            + " IS NULL OR value = " + value + ") THEN value_changed_at ELSE CAST($6 AS BIGINT) END, "
            + "name = COALESCE(" + name + ", name), value = COALESCE(" + value + ", value), "
            + "description = COALESCE(CAST($4 AS TEXT), description), updated_at = $5 WHERE id = $1 "
            + "RETURNING " + COLUMNS,
            Tuple.from(new Object[] {id, changes.name(), changes.value(), changes.description(), now,
                valueChangedAt}))
            .compose(rows -> rows.size() == 0 ? Future.succeededFuture(Optional.<Constant>empty())
                : alongside.apply(sql).map(Optional.of(toConstant(rows.iterator().next())))))
        .recover(UniqueViolation.asConflict(ConstantRepository::nameTaken));
  }

  /** How many constants there are, and the characters of their values and descriptions together. */
  public record Totals(long count, long text) {
  }

  public Future<Totals> totals() {
    return store.query("SELECT COUNT(*) AS n, COALESCE(SUM(LENGTH(value) + LENGTH(description)), 0) AS text "
            + "FROM constants")
        .map(rows -> {
          Row row = rows.iterator().next();
          return new Totals(row.getLong("n"), row.getLong("text"));
        });
  }

  /** False when there was no such constant. */
  public Future<Boolean> delete(String id) {
    return store.query("DELETE FROM constants WHERE id = $1", Tuple.of(id)).map(rows -> rows.rowCount() > 0);
  }

  /** Names are the only unique column besides the id, which is a fresh UUID. */
  static Conflict nameTaken(String constraint) {
    return new Conflict("constant_name_conflict", "A constant with this name already exists");
  }

  private Future<Optional<Constant>> one(String sql, String key) {
    return reads.query(sql, Tuple.of(key))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(toConstant(rows.iterator().next())));
  }

  private static Constant toConstant(Row row) {
    return new Constant(row.getString("id"), row.getString("name"), row.getString("value"),
        row.getString("description"), row.getLong("created_at"), row.getLong("updated_at"),
        row.getLong("value_changed_at"));
  }
}
