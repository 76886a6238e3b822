package io.heartgate.configgroups;

import io.heartgate.configs.Alias;
import io.heartgate.configs.AliasRepository;
import io.heartgate.configs.GroupMembership;
import io.heartgate.configs.LastModified;
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
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/** SQL for config groups and their ordered members (tables config_groups, config_group_members). */
public final class ConfigGroupRepository implements GroupMembership {
  private static final String SELECT = "SELECT id, name, description, content_changed_at, created_at, updated_at, "
      + "created_by, " + AliasRepository.selectAlias(AliasRepository.Owner.GROUP, "config_groups.id")
      + " FROM config_groups";
  private static final Function<String, Conflict> CONFLICTS = AliasRepository.conflicts(
      constraint -> new Conflict("config_group_name_conflict", "A config group with this name already exists"));

  private final Store store;
  /**
   * Listings, single groups and what downloads read: on SQLite the reading connection, which waits for no write
   * (see {@link Store#reads}).
   */
  private final Store reads;

  public ConfigGroupRepository(Store store) {
    this.store = store;
    this.reads = store.reads();
  }

  /**
   * What an update changes; a null field keeps the stored one.
   *
   * @param configIds the new members in order
   * @param notBefore when the members change, the group's content time moves past this too: the latest TOML change
   *     of the members it had, so that removing the newest member still moves the group's {@code Last-Modified}
   */
  public record Changes(String name, String description, Alias.Change alias, List<String> configIds,
      long notBefore) {
  }

  /** The ids of every group, by name. */
  public Future<List<String>> ids() {
    return reads.strings("SELECT id FROM config_groups ORDER BY name", Tuple.tuple());
  }

  /** The ids of the first {@code limit} groups by name after {@code name} (null: from the first). */
  public Future<List<Page.Keyed<String>>> idsAfter(String name, int limit) {
    return reads.idsByName("config_groups", name, limit);
  }

  /** These groups with their members, in no particular order; ids that name none are left out. */
  public Future<List<ConfigGroup>> byIds(List<String> ids) {
    Tuple in = Tuple.from(new ArrayList<Object>(ids));
    String placeholders = Sql.placeholders(1, ids.size());
    return reads.query(SELECT + " WHERE id IN (" + placeholders + ")", in)
        .compose(rows -> reads.query("SELECT group_id, config_id FROM config_group_members WHERE group_id IN ("
                + placeholders + ") ORDER BY group_id, position", in)
            .map(members -> {
              Map<String, List<String>> byGroup = new HashMap<>();
              members.forEach(m -> byGroup.computeIfAbsent(m.getString("group_id"), k -> new ArrayList<>())
                  .add(m.getString("config_id")));
              List<ConfigGroup> groups = new ArrayList<>(rows.size());
              rows.forEach(row -> groups.add(toGroup(row, byGroup.getOrDefault(row.getString("id"), List.of()))));
              return groups;
            }));
  }

  /** When the group's content last changed ({@link ConfigGroup#contentChangedAt}); empty when it is gone. */
  public Future<Optional<Long>> contentChangedAt(String id) {
    return reads.query("SELECT content_changed_at FROM config_groups WHERE id = $1", Tuple.of(id))
        .map(rows -> rows.size() == 0 ? Optional.empty()
            : Optional.of(rows.iterator().next().getLong("content_changed_at")));
  }

  /** The group {@code idOrAlias} names: an id first, else an alias. */
  public Future<Optional<ConfigGroup>> byIdOrAlias(String idOrAlias) {
    return one(reads, "id = COALESCE((SELECT id FROM config_groups WHERE id = $1), "
        + "(SELECT group_id FROM aliases WHERE alias = $1))", idOrAlias);
  }

  /** The group the condition on {@code $1} finds, with its members; empty when there is none. */
  private static Future<Optional<ConfigGroup>> one(Sql sql, String where, String parameter) {
    return sql.query(SELECT + " WHERE " + where, Tuple.of(parameter))
        .compose(rows -> {
          if (rows.size() == 0) {
            return Future.succeededFuture(Optional.empty());
          }
          Row row = rows.iterator().next();
          return members(sql, row.getString("id")).map(ids -> Optional.of(toGroup(row, ids)));
        });
  }

  /**
   * Inserts the group, its members and its alias in one transaction. Fails with a {@link Conflict} when the name
   * or alias is taken, and with the store's foreign key violation when a member is not (or no longer) a config.
   */
  public Future<ConfigGroup> insert(ConfigGroup group) {
    return store.inTransaction(sql -> sql.query("INSERT INTO config_groups (id, name, description, "
                + "content_changed_at, created_at, updated_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                Tuple.from(new Object[] {group.id(), group.name(), group.description(), group.contentChangedAt(),
                    group.createdAt(), group.updatedAt(), group.createdBy()}))
            .compose(ignored -> insertMembers(sql, group.id(), group.configIds()))
            .compose(ignored -> AliasRepository.apply(sql, AliasRepository.Owner.GROUP, group.id(),
                group.alias() == null ? null : new Alias.Change(group.alias())))
            .compose(ignored -> one(sql, "id = $1", group.id()))
            .map(Optional::orElseThrow))
        .recover(UniqueViolation.asConflict(CONFLICTS));
  }

  /**
   * Applies the changes in one transaction; the group as they leave it, read in that transaction, or empty when
   * there is no such group. The content time moves only when the members or their order differ from the stored
   * ones; the row is updated first, so concurrent edits of one group wait for each other. Fails as {@link #insert}
   * does.
   */
  public Future<Optional<ConfigGroup>> update(String id, Changes changes, long now) {
    return store.inTransaction(sql -> sql.query("UPDATE config_groups SET "
                + "name = COALESCE(CAST($2 AS TEXT), name), "
                + "description = COALESCE(CAST($3 AS TEXT), description), "
                + "updated_at = $4 WHERE id = $1", Tuple.of(id, changes.name(), changes.description(), now))
            .compose(rows -> rows.rowCount() == 0 ? Future.succeededFuture(Optional.<ConfigGroup>empty())
                : replaceMembers(sql, id, changes, now)
                    .compose(ignored -> AliasRepository.apply(sql, AliasRepository.Owner.GROUP, id,
                        changes.alias()))
                    .compose(ignored -> one(sql, "id = $1", id))))
        .recover(UniqueViolation.asConflict(CONFLICTS));
  }

  private static Future<Void> replaceMembers(Sql sql, String id, Changes changes, long now) {
    if (changes.configIds() == null) {
      return Future.succeededFuture();
    }
    return members(sql, id).compose(current -> {
      if (current.equals(changes.configIds())) {
        return Future.succeededFuture();
      }
      String previous = "CASE WHEN content_changed_at > CAST($2 AS BIGINT) THEN content_changed_at "
          + "ELSE CAST($2 AS BIGINT) END";
      return sql.query("UPDATE config_groups SET content_changed_at = "
              + LastModified.nextChangeSql(previous, "CAST($3 AS BIGINT)") + " WHERE id = $1",
              Tuple.of(id, changes.notBefore(), now))
          .compose(ignored -> sql.query("DELETE FROM config_group_members WHERE group_id = $1", Tuple.of(id)))
          .compose(ignored -> insertMembers(sql, id, changes.configIds()));
    });
  }

  /** False when there was no such group; its members and alias go with it. */
  public Future<Boolean> delete(String id) {
    return store.query("DELETE FROM config_groups WHERE id = $1", Tuple.of(id)).map(rows -> rows.rowCount() > 0);
  }

  /**
   * The groups are found first, then each is moved by one statement (in chunks of groups): moving them in chunks of
   * configs would move a group with members in two chunks twice.
   */
  @Override
  public Future<Void> membersChanged(Sql sql, Collection<String> configIds, long at) {
    return groupsContaining(sql, configIds).compose(groups -> ChunkedLookup.run(sql, List.of(at),
        groups.stream().map(GroupRef::id).toList(),
        in -> "UPDATE config_groups SET content_changed_at = "
            + LastModified.nextChangeSql("content_changed_at", "CAST($1 AS BIGINT)") + " WHERE id IN (" + in + ")",
        rows -> { }));
  }

  /** In chunks of ids (a constant may be used by more configs than one statement takes parameters). */
  @Override
  public Future<List<GroupRef>> groupsContaining(Collection<String> configIds) {
    return groupsContaining(store, configIds);
  }

  private static Future<List<GroupRef>> groupsContaining(Sql sql, Collection<String> configIds) {
    Map<String, GroupRef> byId = new HashMap<>();
    return ChunkedLookup.run(sql, List.copyOf(configIds), in -> "SELECT id, name FROM config_groups WHERE id IN "
            + "(SELECT group_id FROM config_group_members WHERE config_id IN (" + in + "))",
            rows -> rows.forEach(row -> byId.put(row.getString("id"),
                new GroupRef(row.getString("id"), row.getString("name")))))
        .map(ignored -> byId.values().stream().sorted(Comparator.comparing(GroupRef::name)).toList());
  }

  /** The group's members in order; none for a group that is gone. */
  public Future<List<String>> memberIds(String groupId) {
    return members(store, groupId);
  }

  private static Future<List<String>> members(Sql sql, String groupId) {
    return sql.query("SELECT config_id FROM config_group_members WHERE group_id = $1 ORDER BY position",
            Tuple.of(groupId))
        .map(rows -> {
          List<String> ids = new ArrayList<>(rows.size());
          rows.forEach(row -> ids.add(row.getString("config_id")));
          return ids;
        });
  }

  private static Future<Void> insertMembers(Sql sql, String groupId, List<String> configIds) {
    if (configIds.isEmpty()) {
      return Future.succeededFuture();
    }
    List<Tuple> rows = new ArrayList<>(configIds.size());
    for (int position = 0; position < configIds.size(); position++) {
      rows.add(Tuple.of(groupId, position, configIds.get(position)));
    }
    return sql.batch("INSERT INTO config_group_members (group_id, position, config_id) VALUES ($1, $2, $3)", rows)
        .mapEmpty();
  }

  private static ConfigGroup toGroup(Row row, List<String> configIds) {
    return new ConfigGroup(row.getString("id"), row.getString("name"), row.getString("alias"),
        row.getString("description"), List.copyOf(configIds), row.getLong("content_changed_at"),
        row.getLong("created_at"), row.getLong("updated_at"), row.getString("created_by"));
  }
}
