package io.heartgate.configs;

import io.heartgate.core.Invalid;
import io.vertx.core.Future;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Asked before a config's TOML changes (an edit or a rollback): which config groups holding the config would it
 * leave unservable? Answered by the config groups feature, which sits above configs.
 */
public interface MemberTomlCheck {
  /**
   * The groups a TOML would break, and why the first of them could not be served.
   *
   * @param why the refusal the group's own save would get, naming the members that clash
   */
  record Broken(List<GroupMembership.GroupRef> groups, Invalid why) {
  }

  /**
   * The groups holding the config that can be served with its stored TOML but could not be with {@code toml}
   * (a group that cannot be served either way is left out: this edit does not break it); empty when none.
   *
   * @param configs reads the members as stored now (configs owns them; empty for one gone)
   */
  Future<Optional<Broken>> groupsBrokenBy(String configId, String toml,
      Function<String, Future<Optional<Config>>> configs);
}
