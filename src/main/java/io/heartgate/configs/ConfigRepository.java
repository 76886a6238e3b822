package io.heartgate.configs;

import io.heartgate.core.Conflict;
import io.heartgate.labels.LabelFilter;
import io.heartgate.labels.LabelTarget;
import io.heartgate.store.Store;
import io.heartgate.store.UniqueViolation;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** SQL for configs. */
public final class ConfigRepository {
  private static final String COLUMNS = "id, name, description, toml_changed_at, created_at, updated_at, created_by";

  private final Store store;

  public ConfigRepository(Store store) {
    this.store = store;
  }

  /** What a TOML download needs: one primary-key lookup. */
  public record Served(String toml, long tomlChangedAt) {
  }

  /** What an update changes; a null field keeps the stored one. */
  public record Changes(String name, String description, String toml) {
  }

  /**
   * Every config carrying the labels, by name, without the TOML (a list of large configs would otherwise be
   * megabytes).
   */
  public Future<List<Config>> list(LabelFilter labels) {
    List<Object> params = new ArrayList<>();
    String filter = labels.sql(LabelTarget.CONFIG, "id", params);
    return store.query("SELECT " + COLUMNS + " FROM configs WHERE 1 = 1" + filter + " ORDER BY name",
        Tuple.from(params)).map(rows -> {
      List<Config> configs = new ArrayList<>(rows.size());
      rows.forEach(row -> configs.add(toConfig(row, null)));
      return configs;
    });
  }

  public Future<Optional<Config>> byId(String id) {
    return store.query("SELECT " + COLUMNS + ", toml FROM configs WHERE id = $1", Tuple.of(id))
        .map(rows -> first(rows).map(row -> toConfig(row, row.getString("toml"))));
  }

  public Future<Optional<Served>> served(String id) {
    return store.query("SELECT toml, toml_changed_at FROM configs WHERE id = $1", Tuple.of(id))
        .map(rows -> first(rows).map(row -> new Served(row.getString("toml"), row.getLong("toml_changed_at"))));
  }

  /** Fails with a {@link Conflict} when the name is taken. */
  public Future<Void> insert(Config config) {
    return store.query("INSERT INTO configs (id, name, description, toml, toml_changed_at, created_at, updated_at, "
            + "created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            Tuple.from(new Object[] {config.id(), config.name(), config.description(), config.toml(),
                config.tomlChangedAt(), config.createdAt(), config.updatedAt(), config.createdBy()}))
        .<Void>mapEmpty()
        .recover(UniqueViolation.asConflict(ConfigRepository::nameTaken));
  }

  /**
   * Applies the changes in one statement; false when there is no such config. The TOML change time moves only
   * when the TOML differs from the stored one byte for byte (see {@link LastModified}); the comparison and the
   * move happen in the same statement, so concurrent edits cannot both keep one date. Fails with a
   * {@link Conflict} when the new name is taken.
   */
  public Future<Boolean> update(String id, Changes changes, long now) {
    String newToml = "CAST($4 AS TEXT)";
    return store.query("UPDATE configs SET "
            + "name = COALESCE(CAST($2 AS TEXT), name), "
            + "description = COALESCE(CAST($3 AS TEXT), description), "
            + "toml_changed_at = CASE WHEN " + newToml + " IS NULL OR toml = " + newToml + " THEN toml_changed_at "
            + "ELSE " + LastModified.nextChangeSql("toml_changed_at", "CAST($5 AS BIGINT)") + " END, "
            + "toml = COALESCE(" + newToml + ", toml), "
            + "updated_at = $5 WHERE id = $1",
            Tuple.of(id, changes.name(), changes.description(), changes.toml(), now))
        .map(rows -> rows.rowCount() > 0)
        .recover(UniqueViolation.asConflict(ConfigRepository::nameTaken));
  }

  /** False when there was no such config. */
  public Future<Boolean> delete(String id) {
    return store.query("DELETE FROM configs WHERE id = $1", Tuple.of(id)).map(rows -> rows.rowCount() > 0);
  }

  /** Names are the only unique column besides the id, which is a fresh UUID. */
  private static Conflict nameTaken(String constraint) {
    return new Conflict("config_name_conflict", "A config with this name already exists");
  }

  private static Optional<Row> first(RowSet<Row> rows) {
    return rows.size() == 0 ? Optional.empty() : Optional.of(rows.iterator().next());
  }

  private static Config toConfig(Row row, String toml) {
    return new Config(row.getString("id"), row.getString("name"), row.getString("description"), toml,
        row.getLong("toml_changed_at"), row.getLong("created_at"), row.getLong("updated_at"),
        row.getString("created_by"));
  }
}
