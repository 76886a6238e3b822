package io.heartgate.configs;

import io.heartgate.core.Conflict;
import io.heartgate.store.Sql;
import io.heartgate.store.Store;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.Optional;
import java.util.function.Function;

/**
 * SQL for the one namespace of aliases (table aliases), shared by configs and config groups. The table's primary
 * key decides who wins an alias, so a taken one is a 409 {@code alias_conflict} however the writers race.
 */
public final class AliasRepository {
  /** Whose alias a row is; the column naming the owner. */
  public enum Owner {
    CONFIG("config_id"), GROUP("group_id");

    final String column;

    Owner(String column) {
      this.column = column;
    }
  }

  /** What an alias names. */
  public record Target(Owner owner, String id) {
  }

  /** On SQLite the reading connection, which waits for no write (see {@link Store#reads}): downloads ask. */
  private final Store reads;

  public AliasRepository(Store store) {
    this.reads = store.reads();
  }

  /** What the alias names, if anything. */
  public Future<Optional<Target>> resolve(String alias) {
    return reads.query("SELECT config_id, group_id FROM aliases WHERE alias = $1", Tuple.of(alias))
        .map(rows -> {
          if (rows.size() == 0) {
            return Optional.empty();
          }
          Row row = rows.iterator().next();
          String config = row.getString("config_id");
          return Optional.of(config != null ? new Target(Owner.CONFIG, config)
              : new Target(Owner.GROUP, row.getString("group_id")));
        });
  }

  /**
   * SQL giving the alias of the row whose id is {@code idColumn}, for a select list: {@code (SELECT …) AS alias}.
   */
  public static String selectAlias(Owner owner, String idColumn) {
    return "(SELECT a.alias FROM aliases a WHERE a." + owner.column + " = " + idColumn + ") AS alias";
  }

  /** Applies the change within the caller's transaction; none when {@code change} is null. */
  public static Future<Void> apply(Sql sql, Owner owner, String ownerId, Alias.Change change) {
    if (change == null) {
      return Future.succeededFuture();
    }
    Future<?> removed = sql.query("DELETE FROM aliases WHERE " + owner.column + " = $1", Tuple.of(ownerId));
    return (change.alias() == null ? removed : removed.compose(ignored -> sql.query("INSERT INTO aliases (alias, "
        + owner.column + ") VALUES ($1, $2)", Tuple.of(change.alias(), ownerId)))).mapEmpty();
  }

  /**
   * For {@code UniqueViolation.asConflict}: a broken constraint of the aliases table is {@code alias_conflict};
   * any other is the owner's own ({@code others}, a taken name).
   */
  public static Function<String, Conflict> conflicts(Function<String, Conflict> others) {
    return constraint -> constraint != null && constraint.contains("aliases")
        ? new Conflict("alias_conflict", "This alias is already used by a config or a config group")
        : others.apply(constraint);
  }
}
