package io.heartgate.configs;

import io.vertx.core.Future;
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
}
