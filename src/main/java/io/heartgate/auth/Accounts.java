package io.heartgate.auth;

import io.heartgate.store.Sql;
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

  /**
   * Inside a transaction that writes what a user's role bounds (their tokens): whether the user is still active
   * and holds that role, their row locked against a change of either until the transaction ends (on PostgreSQL;
   * SQLite runs one writing transaction at a time). A role change narrows the tokens it then finds, so a token
   * written under the role the user had before must commit before that change, or not at all.
   */
  Future<Boolean> holds(Sql tx, String userId, Role role);
}
