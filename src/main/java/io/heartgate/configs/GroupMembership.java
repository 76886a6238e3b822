package io.heartgate.configs;

import io.heartgate.store.Sql;
import io.vertx.core.Future;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Which config groups a config belongs to: asked when a config is deleted (a member cannot be), answered by the
 * config groups feature, which sits above configs.
 */
public interface GroupMembership {
  /** A group, as a refusal names it. */
  record GroupRef(String id, String name) {
    /** "config group a" or "config groups a, b". */
    static String named(List<GroupRef> groups) {
      return (groups.size() == 1 ? "config group " : "config groups ")
          + String.join(", ", groups.stream().map(GroupRef::name).toList());
    }

    /** The groups as a refusal's details list them: {@code [{"id","name"}]}. */
    static List<Map<String, String>> details(List<GroupRef> groups) {
      return groups.stream().map(group -> Map.of("id", group.id(), "name", group.name())).toList();
    }
  }

  /** The groups that have any of these configs among their members, each once, by name; empty when none. */
  Future<List<GroupRef>> groupsContaining(Collection<String> configIds);

  /**
   * The documents of these configs changed at {@code at} (epoch milliseconds): every group containing one of them
   * moves its content time to a later second than its own, and to {@code at} at least, so that its Last-Modified,
   * which its agents compare as text, moves too. Runs on {@code sql}, the transaction that makes the change: a
   * group's document never changes under its old date, and a change is never committed without its groups' move.
   */
  Future<Void> membersChanged(Sql sql, Collection<String> configIds, long at);
}
