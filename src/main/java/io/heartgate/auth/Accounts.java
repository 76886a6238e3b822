package io.heartgate.auth;

import io.vertx.core.Future;
import java.util.Optional;

/**
 * The users, as the token rules see them. Defined here, below the features, so that tokens reach users without
 * importing them; the users feature, the one owner of the users table, implements it.
 */
public interface Accounts {
  Future<Optional<Account>> account(String id);

  /** The one owner, or empty before setup. */
  Future<Optional<Account>> owner();
}
