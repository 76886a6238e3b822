package io.heartgate.labels;

import io.heartgate.core.Conflict;
import io.heartgate.core.Page;
import io.heartgate.store.ChunkedLookup;
import io.heartgate.store.Dialect;
import io.heartgate.store.Sql;
import io.heartgate.store.Store;
import io.heartgate.store.UniqueViolation;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** SQL for labels and their assignments to agents and configs (tables labels, agent_labels, config_labels). */
public final class LabelRepository {
  private static final String COLUMNS = "id, name, description, color, created_at";
  private static final String SELECT = "SELECT " + COLUMNS + " FROM labels";

  private final Store store;
  /**
   * Listings and single items: on SQLite the reading connection, which waits for no write (see {@link Store#reads}).
   */
  private final Store reads;

  public LabelRepository(Store store) {
    this.store = store;
    this.reads = store.reads();
  }

  /** What an update changes; a null field keeps the stored one. */
  public record Changes(String name, String description, String color) {
  }

  /** The ids of every label, by name. */
  public Future<List<String>> ids() {
    return reads.strings("SELECT id FROM labels ORDER BY name", Tuple.tuple());
  }

  /** The ids of the first {@code limit} labels by name after {@code name} (null: from the first). */
  public Future<List<Page.Keyed<String>>> idsAfter(String name, int limit) {
    return reads.idsByName("labels", name, limit);
  }

  /** These labels, in no particular order; ids that name none are left out. */
  public Future<List<Label>> byIds(List<String> ids) {
    return reads.query(SELECT + " WHERE id IN (" + Sql.placeholders(1, ids.size()) + ")",
        Tuple.from(new ArrayList<Object>(ids))).map(LabelRepository::all);
  }

  public Future<Optional<Label>> byId(String id) {
    return reads.query(SELECT + " WHERE id = $1", Tuple.of(id)).map(LabelRepository::first);
  }

  private static Optional<Label> first(RowSet<Row> rows) {
    return rows.size() == 0 ? Optional.empty() : Optional.of(toLabel(rows.iterator().next()));
  }

  /** Which of these ids name a label. */
  public Future<Set<String>> existing(List<String> ids) {
    Set<String> found = new HashSet<>();
    return ChunkedLookup.run(store, ids, in -> "SELECT id FROM labels WHERE id IN (" + in + ")",
            rows -> rows.forEach(row -> found.add(row.getString(0))))
        .map(found);
  }

  /**
   * Inserts the label unless {@code max} labels exist already (empty then); the label as stored. Parallel inserts
   * on PostgreSQL each count without the others' rows, so the bound may be passed by as many as insert at once (the
   * pool's size). Fails with a {@link Conflict} when the name is taken.
   */
  public Future<Optional<Label>> insert(Label label, int max) {
    return store.query("INSERT INTO labels (" + COLUMNS + ") SELECT CAST($1 AS TEXT), "
                + "CAST($2 AS TEXT), CAST($3 AS TEXT), CAST($4 AS TEXT), CAST($5 AS BIGINT) "
                + "WHERE (SELECT COUNT(*) FROM labels) < $6 RETURNING " + COLUMNS,
            Tuple.of(label.id(), label.name(), label.description(), label.color(), label.createdAt(), max))
        .map(LabelRepository::first)
        .recover(UniqueViolation.asConflict(LabelRepository::nameTaken));
  }

  /**
   * The label as the changes leave it, written and read in one statement; empty when there is no such label.
   * Fails with a {@link Conflict} when the new name is taken.
   */
  public Future<Optional<Label>> update(String id, Changes changes) {
    return store.query("UPDATE labels SET name = COALESCE(CAST($2 AS TEXT), name), "
            + "description = COALESCE(CAST($3 AS TEXT), description), color = COALESCE(CAST($4 AS TEXT), color) "
            + "WHERE id = $1 RETURNING " + COLUMNS, Tuple.of(id, changes.name(), changes.description(),
                changes.color()))
        .map(LabelRepository::first)
        .recover(UniqueViolation.asConflict(LabelRepository::nameTaken));
  }

  /** Deletes the label and its assignments (foreign keys cascade); false when there was none. */
  public Future<Boolean> delete(String id) {
    return store.query("DELETE FROM labels WHERE id = $1", Tuple.of(id)).map(rows -> rows.rowCount() > 0);
  }

  /**
   * Assigns the labels to the object in one transaction, unless it would then carry more than {@code max} (false
   * then, nothing changed); an assignment that exists is left as it is. Fails with the store's foreign key
   * violation when the object or a label is gone. On PostgreSQL the object's row is locked first, so that two
   * assignments to it at once count one after the other. The labels are taken in id order: two assignments to one
   * object at once wait for each other's new rows, and in the orders two requests listed them ([b, a] against
   * [a, b]) they were a deadlock.
   */
  public Future<Boolean> assign(LabelTarget target, String targetId, List<String> labelIds, int max) {
    return store.inTransaction(connection -> {
      Future<?> chain = connection.dialect() != Dialect.POSTGRES ? Future.succeededFuture()
          : connection.query("SELECT 1 FROM " + target.objects + " WHERE id = $1 FOR NO KEY UPDATE",
              Tuple.of(targetId));
      for (String labelId : new TreeSet<>(labelIds)) {
        chain = chain.compose(ignored -> connection.query("INSERT INTO " + target.table + " (" + target.column
                + ", label_id) VALUES ($1, $2) ON CONFLICT DO NOTHING", Tuple.of(targetId, labelId)));
      }
      return chain.compose(ignored -> connection.query("SELECT COUNT(*) FROM " + target.table + " WHERE "
              + target.column + " = $1", Tuple.of(targetId)))
          .compose(rows -> rows.iterator().next().getLong(0) <= max ? Future.succeededFuture(true)
              // Undone by the failure, told apart from others by its type.
              : Future.failedFuture(new TooManyLabels()));
    }).recover(e -> e instanceof TooManyLabels ? Future.succeededFuture(false) : Future.failedFuture(e));
  }

  /** Ends an assignment's transaction that would pass the bound, so that it changes nothing. */
  private static final class TooManyLabels extends RuntimeException {
    TooManyLabels() {
      super(null, null, false, false);
    }
  }

  /** The labels each of these objects carries; an object without labels is absent. */
  public Future<Map<String, Set<String>>> labelIdsOf(LabelTarget target, List<String> targetIds) {
    Map<String, Set<String>> carried = new HashMap<>();
    return ChunkedLookup.run(store, targetIds,
            in -> "SELECT " + target.column + ", label_id FROM " + target.table + " WHERE " + target.column
                + " IN (" + in + ")",
            rows -> rows.forEach(row -> carried.computeIfAbsent(row.getString(0), k -> new HashSet<>())
                .add(row.getString(1))))
        .map(carried);
  }

  /** Removes these labels from the object; labels it does not carry are ignored. */
  public Future<Void> remove(LabelTarget target, String targetId, List<String> labelIds) {
    List<Object> params = new ArrayList<>(List.of(targetId));
    params.addAll(labelIds);
    return store.query("DELETE FROM " + target.table + " WHERE " + target.column + " = $1 AND label_id IN ("
            + Sql.placeholders(2, labelIds.size()) + ")", Tuple.from(params))
        .mapEmpty();
  }

  /** The labels of each object, by name; an object without labels is absent from the map. */
  public Future<Map<String, List<Label>>> labelsOf(LabelTarget target, List<String> targetIds) {
    Map<String, List<Label>> labels = new HashMap<>();
    // On the reading connection (Store#reads): a page of agents or configs waits for no write to add its labels.
    return ChunkedLookup.run(reads, targetIds,
            in -> "SELECT t." + target.column + " AS target_id, l.id, l.name, l.description, l.color, l.created_at "
                + "FROM " + target.table + " t JOIN labels l ON l.id = t.label_id "
                + "WHERE t." + target.column + " IN (" + in + ") ORDER BY l.name, l.id",
            rows -> rows.forEach(row -> labels.computeIfAbsent(row.getString("target_id"), k -> new ArrayList<>())
                .add(toLabel(row))))
        .map(labels);
  }

  /** Names are the only unique column besides the id, which is a fresh UUID. */
  private static Conflict nameTaken(String constraint) {
    return new Conflict("label_name_conflict", "A label with this name already exists");
  }

  private static List<Label> all(RowSet<Row> rows) {
    List<Label> labels = new ArrayList<>(rows.size());
    rows.forEach(row -> labels.add(toLabel(row)));
    return labels;
  }

  private static Label toLabel(Row row) {
    return new Label(row.getString("id"), row.getString("name"), row.getString("description"),
        row.getString("color"), row.getLong("created_at"));
  }
}
