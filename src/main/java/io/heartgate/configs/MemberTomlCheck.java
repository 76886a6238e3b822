package io.heartgate.configs;

import io.heartgate.constants.ConstantLookup;
import io.heartgate.core.Invalid;
import io.vertx.core.Future;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Asked before the TOML a config serves changes (an edit, a rollback, a constant it uses given a value): which config
 * groups holding the config would it leave unservable? Answered by the config groups feature, which sits above
 * configs.
 */
public interface MemberTomlCheck {
  /**
   * The groups a change would break, and why the first of them could not be served.
   *
   * @param why the refusal the group's own save would get, naming the members that clash
   */
  record Broken(List<GroupMembership.GroupRef> groups, Invalid why) {
    /**
     * 400 on {@code field} (null: none) naming the groups in {@code details.groups} and the members that clash in
     * {@code details.configs}: "With this {@code changed}, config group g could not be served: …".
     */
    public Invalid refusal(String field, String changed) {
      Map<String, Object> details = new LinkedHashMap<>(why.details());
      details.remove("field");
      details.put("groups", GroupMembership.GroupRef.details(groups));
      return new Invalid(field, "With this " + changed + ", " + GroupMembership.GroupRef.named(groups)
          + " could not be served: " + why.getMessage(), details);
    }
  }

  /** The members as the check reads them: each one's TOML and the constants' values, now or after a change. */
  record Reading(Function<Config, String> toml, ConstantLookup constants) {
  }

  /** Succeeds when no group is broken; else fails with {@link Broken#refusal}. */
  static Future<Void> require(Optional<Broken> broken, String field, String changed) {
    return broken.isEmpty() ? Future.succeededFuture() : Future.failedFuture(broken.get().refusal(field, changed));
  }

  /**
   * The groups holding any of these configs that can be served as the members read {@code now} but not as they
   * read {@code after} (a group that cannot be served either way is left out: the change does not break it); empty
   * when none.
   *
   * @param configs reads the members as stored now (configs owns them; empty for one gone)
   */
  Future<Optional<Broken>> groupsBrokenBy(Collection<String> configIds, Reading now, Reading after,
      Function<String, Future<Optional<Config>>> configs);
}
