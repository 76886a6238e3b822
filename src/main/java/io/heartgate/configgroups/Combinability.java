package io.heartgate.configgroups;

import io.heartgate.configs.Config;
import io.heartgate.configs.GroupMembership;
import io.heartgate.configs.MemberTomlCheck;
import io.heartgate.constants.ConstantService;
import io.heartgate.core.Invalid;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The one place that checks, against the store, that members combine into one servable document
 * ({@link GroupDocument#requireCombinable}): when a group's members are saved, and when a member's TOML is about
 * to change, so that no edit of one config breaks the document of the groups it is in.
 */
public final class Combinability implements MemberTomlCheck {
  private final Vertx vertx;
  private final ConfigGroupRepository groups;
  private final ConstantService constants;

  public Combinability(Vertx vertx, ConfigGroupRepository groups, ConstantService constants) {
    this.vertx = vertx;
    this.groups = groups;
    this.constants = constants;
  }

  /**
   * 400 on {@code configIds} when these members do not combine, with the constants' values as they are now. The
   * check parses up to 1 MiB of TOML several times, and a config may be in many groups: it runs on a worker, not
   * on the event loop that also serves heartbeats.
   */
  Future<Void> require(List<GroupDocument.Member> members) {
    return constants.named(GroupDocument.constantNames(members))
        .compose(defined -> vertx.executeBlocking(() -> {
          GroupDocument.requireCombinable(members, defined::value);
          return null;
        }, false));
  }

  /**
   * Each group containing the config is checked with its members as stored and this TOML in the config's place.
   * The members are read, not locked: two members of one group changed at the same moment are each checked with
   * the other's TOML as it was (operator writes are rare; the group's next change of members checks them all).
   */
  @Override
  public Future<Void> requireServableWith(String configId, String toml,
      Function<String, Future<Optional<Config>>> configs) {
    Map<String, Future<Optional<GroupDocument.Member>>> members = new ConcurrentHashMap<>();  // each read once
    Function<String, Future<Optional<GroupDocument.Member>>> member = id -> members.computeIfAbsent(id,
        ignored -> configs.apply(id).map(config -> config.map(c -> new GroupDocument.Member(c.id(), c.name(),
            c.id().equals(configId) ? toml : c.toml()))));
    return groups.groupsContaining(configId).compose(containing -> {
      List<Future<Optional<Invalid>>> checks = containing.stream().map(group -> refusalOf(group, member)).toList();
      return Future.all(checks).compose(ignored -> {
        List<GroupMembership.GroupRef> refused = new ArrayList<>();
        Invalid first = null;
        for (int i = 0; i < checks.size(); i++) {
          Optional<Invalid> refusal = checks.get(i).result();
          if (refusal.isPresent()) {
            refused.add(containing.get(i));
            first = first == null ? refusal.get() : first;
          }
        }
        return first == null ? Future.succeededFuture() : Future.failedFuture(refusal(refused, first));
      });
    });
  }

  /**
   * Why the group could not be served with its members as {@code member} reads them (empty for a member gone);
   * empty when it could, or when the group is gone.
   */
  private Future<Optional<Invalid>> refusalOf(GroupMembership.GroupRef ref,
      Function<String, Future<Optional<GroupDocument.Member>>> member) {
    return groups.byIdOrAlias(ref.id()).compose(group -> {
      if (group.isEmpty()) {
        return Future.succeededFuture(Optional.empty());
      }
      List<Future<Optional<GroupDocument.Member>>> read = group.get().configIds().stream().map(member).toList();
      return Future.all(read)
          .compose(ignored -> require(read.stream().flatMap(m -> m.result().stream()).toList()))
          .<Optional<Invalid>>map(ok -> Optional.empty())
          .recover(e -> e instanceof Invalid invalid ? Future.succeededFuture(Optional.of(invalid))
              : Future.failedFuture(e));
    });
  }

  private static Invalid refusal(List<GroupMembership.GroupRef> refused, Invalid first) {
    String names = String.join(", ", refused.stream().map(GroupMembership.GroupRef::name).toList());
    return new Invalid("toml", (refused.size() == 1 ? "Config group " : "Config groups ") + names
        + " could not be served with this TOML: " + first.getMessage(), Map.of("groups", refused.stream()
        .map(group -> Map.of("id", group.id(), "name", group.name())).toList()));
  }
}
