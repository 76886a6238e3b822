package io.heartgate.configs;

import io.heartgate.constants.ConstantLookup;
import io.heartgate.constants.ConstantUser;
import io.heartgate.constants.ConstantUsers;
import io.heartgate.store.Sql;
import io.vertx.core.Future;
import java.util.List;

/**
 * The configs as constants see them: those whose TOML uses a constant, by the scan that serves it, and the config
 * groups holding them, which a constant's new value must not leave unservable.
 */
public final class ConfigsUsingConstants implements ConstantUsers {
  private final ConfigRepository configs;
  private final GroupMembership groups;
  private final MemberTomlCheck groupsServable;

  /** @param groupsServable names the groups holding configs that new values of constants would leave unservable */
  public ConfigsUsingConstants(ConfigRepository configs, GroupMembership groups, MemberTomlCheck groupsServable) {
    this.configs = configs;
    this.groups = groups;
    this.groupsServable = groupsServable;
  }

  /** The store narrows the configs down by text; the exact test (outside comments, …) is the template's scan. */
  @Override
  public Future<List<ConstantUser>> using(String name) {
    return configs.mentioning("::{" + name + "}").map(documents -> documents.stream()
        .filter(document -> document.constants().contains(name))
        .<ConstantUser>map(document -> document)
        .toList());
  }

  @Override
  public Future<Void> changed(Sql sql, List<ConstantUser> users, long at) {
    return groups.membersChanged(sql, users.stream().map(ConstantUser::id).toList(), at);
  }

  @Override
  public Future<Void> requireGroupsServable(String field, List<ConstantUser> users, ConstantLookup now,
      ConstantLookup after) {
    return groupsServable.groupsBrokenBy(users.stream().map(ConstantUser::id).toList(),
            new MemberTomlCheck.Reading(Config::toml, now), new MemberTomlCheck.Reading(Config::toml, after),
            configs::byId)
        .compose(broken -> MemberTomlCheck.require(broken, field, "value"));
  }
}
