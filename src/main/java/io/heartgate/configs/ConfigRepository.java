package io.heartgate.configs;

import io.heartgate.core.Conflict;
import io.heartgate.core.Page;
import io.heartgate.labels.LabelFilter;
import io.heartgate.labels.LabelTarget;
import io.heartgate.store.Sql;
import io.heartgate.store.Store;
import io.heartgate.store.UniqueViolation;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/** SQL for configs. */
public final class ConfigRepository {
  private static final String COLUMNS = "id, name, description, toml_changed_at, created_at, updated_at, "
      + "created_by, version, " + AliasRepository.selectAlias(AliasRepository.Owner.CONFIG, "configs.id");
  private static final String DOCUMENT_COLUMNS = "id, name, toml, toml_changed_at";
  private static final String CURRENT_VERSION_COLUMNS = "id, name, version, toml_changed_at";
  private static final String VERSION_COLUMNS = "version, created_at, author_type, author_id, author_name, note";
  private static final String INSERT_VERSION = "INSERT INTO config_versions (config_id, version, toml, created_at, "
      + "author_type, author_id, author_name, note) ";

  private final Store store;
  /**
   * Listings, single configs and what downloads read: on SQLite the reading connection, which waits for no write
   * (see {@link Store#reads}).
   */
  private final Store reads;

  public ConfigRepository(Store store) {
    this.store = store;
    this.reads = store.reads();
  }

  /** What an update changes; a null field keeps the stored one. */
  public record Changes(String name, String description, String toml, Alias.Change alias) {
  }

  /** Who makes a version and what they say about it: both may be null. */
  public record Authorship(ConfigVersion.Author author, String note) {
    Object[] columns() {
      return new Object[] {author == null ? null : author.type(), author == null ? null : author.id(),
          author == null ? null : author.name(), note};
    }
  }

  /** The ids of every config carrying the labels, by name. */
  public Future<List<String>> ids(LabelFilter labels) {
    List<Object> params = new ArrayList<>();
    String filter = labels.sql(LabelTarget.CONFIG, "id", params);
    return reads.strings("SELECT id FROM configs WHERE 1 = 1" + filter + " ORDER BY name", Tuple.from(params));
  }

  /** The ids of the first {@code limit} configs carrying the labels by name after {@code name} (null: the first). */
  public Future<List<Page.Keyed<String>>> idsAfter(LabelFilter labels, String name, int limit) {
    List<Object> params = new ArrayList<>(List.of(limit));
    String filter = labels.sql(LabelTarget.CONFIG, "id", params);
    if (name != null) {
      params.add(name);
      filter += " AND name > $" + params.size();
    }
    return reads.keyedByName("SELECT id, name FROM configs WHERE 1 = 1" + filter + " ORDER BY name LIMIT $1",
        Tuple.from(params));
  }

  public Future<Optional<Config>> byId(String id) {
    return byId(reads, id);
  }

  private static Future<Optional<Config>> byId(Sql sql, String id) {
    return sql.query("SELECT " + COLUMNS + ", toml FROM configs WHERE id = $1", Tuple.of(id))
        .map(rows -> first(rows).map(row -> toConfig(row, row.getString("toml"))));
  }

  /** These configs without their TOML, in no particular order; ids that name none are left out. */
  public Future<List<Config>> byIds(List<String> ids) {
    if (ids.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    return reads.query("SELECT " + COLUMNS + " FROM configs WHERE id IN (" + Sql.placeholders(1, ids.size()) + ")",
        Tuple.from(new ArrayList<Object>(ids))).map(rows -> {
          List<Config> configs = new ArrayList<>(rows.size());
          rows.forEach(row -> configs.add(toConfig(row, null)));
          return configs;
        });
  }

  /** A config's current TOML version, without the TOML: what a download needs to know whether it changed. */
  record CurrentVersion(String id, String name, int version, long tomlChangedAt) {
  }

  /**
   * The current version of the config {@code idOrAlias} names (an id first, else an alias); empty when it names
   * none. One statement of primary-key lookups.
   */
  Future<Optional<CurrentVersion>> current(String idOrAlias) {
    return reads.query("SELECT " + CURRENT_VERSION_COLUMNS + " FROM configs WHERE id = COALESCE("
            + "(SELECT id FROM configs WHERE id = $1), (SELECT config_id FROM aliases WHERE alias = $1))",
            Tuple.of(idOrAlias))
        .map(rows -> first(rows).map(ConfigRepository::toCurrentVersion));
  }

  private static CurrentVersion toCurrentVersion(Row row) {
    return new CurrentVersion(row.getString("id"), row.getString("name"), row.getInteger("version"),
        row.getLong("toml_changed_at"));
  }

  /** The current versions of these configs, in no particular order; ids that name none are left out. */
  Future<List<CurrentVersion>> currentOf(List<String> ids) {
    if (ids.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    return reads.query("SELECT " + CURRENT_VERSION_COLUMNS + " FROM configs WHERE id IN ("
            + Sql.placeholders(1, ids.size()) + ")", Tuple.from(new ArrayList<Object>(ids)))
        .map(rows -> {
          List<CurrentVersion> found = new ArrayList<>(rows.size());
          rows.forEach(row -> found.add(toCurrentVersion(row)));
          return found;
        });
  }

  /**
   * The TOML of these versions (each a config's current one when it was read), by config id, in one statement; a
   * version pruned since, or of a config deleted since, is missing.
   */
  Future<Map<String, String>> tomlOf(List<CurrentVersion> versions) {
    if (versions.isEmpty()) {
      return Future.succeededFuture(Map.of());
    }
    StringBuilder which = new StringBuilder();
    List<Object> values = new ArrayList<>(2 * versions.size());
    for (CurrentVersion version : versions) {
      which.append(values.isEmpty() ? "" : " OR ").append("(config_id = $").append(values.size() + 1)
          .append(" AND version = $").append(values.size() + 2).append(')');
      values.add(version.id());
      values.add(version.version());
    }
    return reads.query("SELECT config_id, toml FROM config_versions WHERE " + which, Tuple.from(values))
        .map(rows -> {
          Map<String, String> toml = new HashMap<>();
          rows.forEach(row -> toml.put(row.getString("config_id"), row.getString("toml")));
          return toml;
        });
  }

  /**
   * The configs whose TOML holds {@code text} somewhere, by name, and perhaps a few more: {@code _} in the text
   * matches any character here (and SQLite ignores case), so the caller makes the exact test.
   */
  public Future<List<ConfigDocument>> mentioning(String text) {
    return store.query("SELECT " + DOCUMENT_COLUMNS + " FROM configs WHERE toml LIKE $1 ORDER BY name",
            Tuple.of("%" + text + "%"))
        .map(rows -> {
          List<ConfigDocument> documents = new ArrayList<>(rows.size());
          rows.forEach(row -> documents.add(toDocument(row)));
          return documents;
        });
  }

  /**
   * Inserts the config, its alias and its version 1 in one transaction; the config as stored. Fails with a
   * {@link Conflict} when the name or the alias is taken.
   */
  public Future<Config> insert(Config config, Authorship authorship) {
    Object[] by = authorship.columns();
    return store.inTransaction(sql -> sql.query("INSERT INTO configs (id, name, description, toml, "
                + "toml_changed_at, created_at, updated_at, created_by, version) "
                + "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1)",
                Tuple.from(new Object[] {config.id(), config.name(), config.description(), config.toml(),
                    config.tomlChangedAt(), config.createdAt(), config.updatedAt(), config.createdBy()}))
            .compose(ignored -> sql.query(INSERT_VERSION + "VALUES ($1, 1, $2, $3, $4, $5, $6, $7)",
                Tuple.from(new Object[] {config.id(), config.toml(), config.createdAt(), by[0], by[1], by[2],
                    by[3]})))
            .compose(ignored -> AliasRepository.apply(sql, AliasRepository.Owner.CONFIG, config.id(),
                config.alias() == null ? null : new Alias.Change(config.alias())))
            .compose(ignored -> byId(sql, config.id()))
            .map(Optional::orElseThrow))
        .recover(UniqueViolation.asConflict(CONFLICTS));
  }

  /**
   * Applies the changes in one transaction; the config as they leave it, read in that transaction, or empty when
   * there is no such config. The TOML change time moves and a new version is recorded only when the TOML differs
   * from the stored one byte for byte (see {@link LastModified}); the comparison, the move and the new version
   * number happen in one statement that locks the row, so concurrent edits can neither keep one date nor take one
   * number. Fails with a {@link Conflict} when the new name or alias is taken.
   *
   * @param notBefore the earliest TOML change time that gives the document a later Last-Modified than the constants
   *     it uses give it now (0 when it uses none)
   */
  public Future<Optional<Config>> update(String id, Changes changes, long now, long notBefore,
      Authorship authorship, ServedChanged alongside) {
    return store.inTransaction(sql -> renamedOnly(sql, id, changes)
            .compose(renamed -> update(sql, id, changes, now, notBefore, authorship, false, alongside)
                .compose(found -> !found ? Future.succeededFuture(Optional.<Config>empty())
                    // A group's document names its members: a new name is a change of what it serves.
                    : (renamed ? alongside.run(sql, now) : Future.<Void>succeededFuture())
                        .compose(ignored -> AliasRepository.apply(sql, AliasRepository.Owner.CONFIG, id,
                            changes.alias()))
                        .compose(ignored -> byId(sql, id)))))
        .recover(UniqueViolation.asConflict(CONFLICTS));
  }

  /**
   * Whether the changes give the config another name and leave its TOML as it is (a TOML change runs {@code
   * alongside} by itself). Read in the transaction before the update: the callers make renames and TOML changes
   * wait for each other.
   */
  private static Future<Boolean> renamedOnly(Sql sql, String id, Changes changes) {
    if (changes.name() == null) {
      return Future.succeededFuture(false);
    }
    return sql.query("SELECT CASE WHEN name <> CAST($2 AS TEXT) AND (CAST($3 AS TEXT) IS NULL "
            + "OR toml = CAST($3 AS TEXT)) THEN 1 ELSE 0 END AS renamed FROM configs WHERE id = $1",
            Tuple.of(id, changes.name(), changes.toml()))
        .map(rows -> first(rows).map(row -> row.getInteger("renamed") == 1).orElse(false));
  }

  /**
   * Work in the transaction that changed what a config serves in its groups: its TOML, given the TOML's new change
   * time, or its name alone (on the group document's comment line), given the time of the change.
   */
  public interface ServedChanged {
    Future<Void> run(Sql sql, long changedAt);
  }

  /**
   * Makes a new version with the TOML of version {@code n}, even when the current TOML is the same (its change time
   * then stays, and {@code alongside} does not run); empty when there is no such config or version, else the new
   * version, read in the transaction.
   */
  public Future<Optional<ConfigVersion>> rollback(String id, int n, long now, long notBefore, Authorship authorship,
      ServedChanged alongside) {
    // TOML changes wait for each other (the callers' exclusive section): the current TOML read here stays until the
    // update.
    return store.inTransaction(sql -> sql.query("SELECT v.toml, c.toml AS current FROM config_versions v "
            + "JOIN configs c ON c.id = v.config_id WHERE v.config_id = $1 AND v.version = $2", Tuple.of(id, n))
        .compose(rows -> {
          Optional<Row> row = first(rows);
          if (row.isEmpty()) {
            return Future.succeededFuture(Optional.<ConfigVersion>empty());
          }
          String toml = row.get().getString("toml");
          Changes changes = new Changes(null, null, toml, null);
          ServedChanged changed = toml.equals(row.get().getString("current")) ? (tx, at) -> Future.succeededFuture()
              : alongside;
          return update(sql, id, changes, now, notBefore, authorship, true, changed).compose(found -> !found
              ? Future.succeededFuture(Optional.<ConfigVersion>empty())
              : sql.query("SELECT version FROM configs WHERE id = $1", Tuple.of(id))
                  .compose(versions -> version(sql, id, versions.iterator().next().getInteger("version"))));
        }));
  }

  /**
   * @param always make a new version even when the TOML is the same (a rollback); its change time moves only when
   *     the TOML differs, as the contract has {@code Last-Modified} change exactly when the TOML does
   * @param alongside run in the same transaction when the TOML changed
   */
  private static Future<Boolean> update(Sql sql, String id, Changes changes, long now, long notBefore,
      Authorship authorship, boolean always, ServedChanged alongside) {
    String newToml = "CAST($4 AS TEXT)";
    String unchanged = newToml + " IS NULL OR toml = " + newToml;
    Object[] by = authorship.columns();
    return sql.query("UPDATE configs SET "
            + "name = COALESCE(CAST($2 AS TEXT), name), "
            + "description = COALESCE(CAST($3 AS TEXT), description), "
            + "toml_changed_at = CASE WHEN " + unchanged + " THEN toml_changed_at "
            + "ELSE " + LastModified.nextChangeSql("toml_changed_at", "CAST($6 AS BIGINT)") + " END, "
            + "version = CASE WHEN " + (always ? "1 = 0" : unchanged) + " THEN version ELSE version + 1 END, "
            + "toml = COALESCE(" + newToml + ", toml), "
            + "updated_at = $5 WHERE id = $1",
            Tuple.of(id, changes.name(), changes.description(), changes.toml(), now, Math.max(now, notBefore)))
        .compose(rows -> rows.rowCount() == 0 ? Future.succeededFuture(false)
            // The current version is never pruned, so it is missing exactly when this update made it.
            : sql.query(INSERT_VERSION + "SELECT id, version, toml, CAST($2 AS BIGINT), CAST($3 AS TEXT), "
                    + "CAST($4 AS TEXT), CAST($5 AS TEXT), CAST($6 AS TEXT) FROM configs c WHERE id = $1 "
                    + "AND NOT EXISTS (SELECT 1 FROM config_versions v WHERE v.config_id = c.id "
                    + "AND v.version = c.version)",
                    Tuple.from(new Object[] {id, now, by[0], by[1], by[2], by[3]}))
                .compose(versioned -> versioned.rowCount() == 0 ? Future.succeededFuture()
                    : sql.query("SELECT toml_changed_at FROM configs WHERE id = $1", Tuple.of(id))
                        .compose(changed -> alongside.run(sql, changed.iterator().next().getLong("toml_changed_at"))))
                .map(true));
  }

  /**
   * The config's first {@code limit} versions below {@code before} (null: from the newest), newest first, without
   * their TOML.
   */
  public Future<List<ConfigVersion>> versions(String id, Integer before, int limit) {
    return reads.query("SELECT " + VERSION_COLUMNS + " FROM config_versions WHERE config_id = $1 "
            + (before == null ? "" : "AND version < $3 ") + "ORDER BY version DESC LIMIT $2",
            before == null ? Tuple.of(id, limit) : Tuple.of(id, limit, before))
        .map(rows -> {
          List<ConfigVersion> versions = new ArrayList<>(rows.size());
          rows.forEach(row -> versions.add(toVersion(row, null)));
          return versions;
        });
  }

  public Future<Optional<ConfigVersion>> version(String id, int n) {
    return version(reads, id, n);
  }

  private static Future<Optional<ConfigVersion>> version(Sql sql, String id, int n) {
    return sql.query("SELECT " + VERSION_COLUMNS + ", toml FROM config_versions WHERE config_id = $1 "
            + "AND version = $2", Tuple.of(id, n))
        .map(rows -> first(rows).map(row -> toVersion(row, row.getString("toml"))));
  }

  /**
   * Deletes all but the newest {@code keepLatest} (at least 1) versions, never the current one; how many went.
   */
  public Future<Integer> prune(String id, int keepLatest) {
    return store.query("DELETE FROM config_versions WHERE config_id = $1 "
            + "AND version < (SELECT version FROM configs WHERE id = $1) "
            + "AND version NOT IN (SELECT version FROM config_versions WHERE config_id = $1 "
            + "ORDER BY version DESC LIMIT $2)", Tuple.of(id, (long) keepLatest))
        .map(RowSet::rowCount);
  }

  /** False when there was no such config. */
  public Future<Boolean> delete(String id) {
    return store.query("DELETE FROM configs WHERE id = $1", Tuple.of(id)).map(rows -> rows.rowCount() > 0);
  }

  /** Besides the alias, the name is the only unique column (the id is a fresh UUID). */
  private static final Function<String, Conflict> CONFLICTS = AliasRepository.conflicts(
      constraint -> new Conflict("config_name_conflict", "A config with this name already exists"));

  private static Optional<Row> first(RowSet<Row> rows) {
    return rows.size() == 0 ? Optional.empty() : Optional.of(rows.iterator().next());
  }

  private static Config toConfig(Row row, String toml) {
    return new Config(row.getString("id"), row.getString("name"), row.getString("description"), toml,
        row.getLong("toml_changed_at"), row.getLong("created_at"), row.getLong("updated_at"),
        row.getString("created_by"), row.getInteger("version"), row.getString("alias"));
  }

  private static ConfigDocument toDocument(Row row) {
    return ConfigDocument.of(row.getString("id"), row.getString("name"), row.getString("toml"),
        row.getLong("toml_changed_at"));
  }

  private static ConfigVersion toVersion(Row row, String toml) {
    String type = row.getString("author_type");
    ConfigVersion.Author author = type == null ? null
        : new ConfigVersion.Author(type, row.getString("author_id"), row.getString("author_name"));
    return new ConfigVersion(row.getInteger("version"), toml, row.getLong("created_at"), author,
        row.getString("note"));
  }
}
