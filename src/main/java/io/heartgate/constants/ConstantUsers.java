package io.heartgate.constants;

import io.heartgate.store.Sql;
import io.vertx.core.Future;
import java.util.List;

/**
 * The documents that use constants, as the rules of constants see them. Defined here, below configs, so that
 * constants can refuse to delete or rename a constant in use without importing configs; configs, which sit above
 * and own the TOML, implement it.
 */
public interface ConstantUsers {
  /** The documents whose text uses {@code ::{name}} (not in a comment), by name. */
  Future<List<ConstantUser>> using(String name);

  /**
   * A constant was defined, renamed or given a new value at {@code at}: what its documents ({@code users}, found by
   * {@link #using} in the same exclusive section as the change) are part of (config groups) moves its
   * Last-Modified too, on {@code sql}: in the transaction of the change.
   */
  Future<Void> changed(Sql sql, List<ConstantUser> users, long at);

  /**
   * Fails with {@link io.heartgate.core.Invalid} on {@code field} when a config group holding one of the users could
   * be served with the constants as they are ({@code now}) but not as a change would leave them ({@code after}).
   */
  Future<Void> requireGroupsServable(String field, List<ConstantUser> users, ConstantLookup now,
      ConstantLookup after);
}
