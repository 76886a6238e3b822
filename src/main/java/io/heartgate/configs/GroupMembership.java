package io.heartgate.configs;

import io.vertx.core.Future;
import java.util.Collection;
import java.util.List;

/**
 * Which config groups a config belongs to: asked when a config is deleted (a member cannot be), answered by the
 * config groups feature, which sits above configs.
 */
public interface GroupMembership {
  /** A group, as a refusal names it. */
  record GroupRef(String id, String name) {
  }

  /** The groups that have the config among their members, by name; empty when none. */
  Future<List<GroupRef>> groupsContaining(String configId);

  /**
   * The documents of these configs changed at {@code at} (epoch milliseconds): every group containing one of them
   * moves its content time to a later second than its own, and to {@code at} at least, so that its Last-Modified,
   * which its agents compare as text, moves too.
   */
  Future<Void> membersChanged(Collection<String> configIds, long at);
}
