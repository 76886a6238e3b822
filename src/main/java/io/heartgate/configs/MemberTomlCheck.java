package io.heartgate.configs;

import io.vertx.core.Future;
import java.util.Optional;
import java.util.function.Function;

/**
 * Asked before a config's TOML changes (an edit or a rollback): can every config group containing the config still
 * be served with the new TOML? Answered by the config groups feature, which sits above configs.
 */
public interface MemberTomlCheck {
  /**
   * Fails with a 400 on {@code toml}, naming the groups in {@code details.groups}, when a group containing the
   * config could not be served with {@code toml} as that config's TOML; succeeds when it is in no group.
   *
   * @param configs reads the other members as stored now (configs owns them; empty for one gone)
   */
  Future<Void> requireServableWith(String configId, String toml, Function<String, Future<Optional<Config>>> configs);
}
