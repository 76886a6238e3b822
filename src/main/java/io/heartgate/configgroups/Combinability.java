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
import java.util.Optional;
import java.util.function.Function;

/**
 * The one place that checks, against the store, that members combine into one servable document
 * ({@link GroupDocument#requireCombinable}): when a group's members are saved, and when a member's TOML is about
 * to change, so that no edit of one config breaks the document of a group it is in.
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
   * check parses up to 1 MiB of TOML several times: it runs on a worker, not on the event loop that also serves
   * heartbeats (the size, which bounds it, is checked first).
   */
  Future<Void> require(List<GroupDocument.Member> members) {
    try {
      GroupDocument.requireSmallEnough(members);
    } catch (Invalid invalid) {
      return Future.failedFuture(invalid);
    }
    return constants.named(GroupDocument.constantNames(members))
        .compose(defined -> vertx.executeBlocking(() -> {
          GroupDocument.requireCombinable(members, defined::value);
          return null;
        }, false));
  }

  /**
   * Each group holding the config, one after the other, with its members as stored and this TOML in the config's
   * place; a group it cannot serve is checked again with the stored TOML, and only the groups that pass then are
   * broken by this edit. One group's members are held at a time (a config may be in many groups of up to 1 MiB
   * each). The members are read, not locked: two members of one group changed at the same moment, or a member's
   * edit and a new member list saved at that moment, are each checked against the other as it was.
   */
  @Override
  public Future<Optional<Broken>> groupsBrokenBy(String configId, String toml,
      Function<String, Future<Optional<Config>>> configs) {
    return groups.groupsContaining(configId).compose(containing -> {
      List<GroupMembership.GroupRef> broken = new ArrayList<>();
      List<Invalid> why = new ArrayList<>();
      Future<Void> chain = Future.succeededFuture();
      for (GroupMembership.GroupRef group : containing) {
        chain = chain.compose(ignored -> membersOf(group.id(), configs))
            .compose(members -> refusal(members, configId, toml)
                .compose(after -> after.isEmpty() ? Future.succeededFuture()
                    : refusal(members, configId, null).map(before -> {
                      if (before.isEmpty()) {
                        broken.add(group);
                        why.add(after.get());
                      }
                      return null;
                    })));
      }
      return chain.map(ignored -> broken.isEmpty() ? Optional.empty()
          : Optional.of(new Broken(List.copyOf(broken), why.get(0))));
    });
  }

  /** The group's members in order, as stored now; a member gone meanwhile is left out. */
  private Future<List<Config>> membersOf(String groupId, Function<String, Future<Optional<Config>>> configs) {
    return groups.memberIds(groupId).compose(ids -> {
      List<Future<Optional<Config>>> read = ids.stream().map(configs).toList();
      return Future.all(read).map(ignored -> read.stream().flatMap(member -> member.result().stream()).toList());
    });
  }

  /**
   * Why these members could not be served with {@code toml} as the changed config's TOML (null: as stored); empty
   * when they could.
   */
  private Future<Optional<Invalid>> refusal(List<Config> members, String changedId, String toml) {
    return require(members.stream().map(c -> new GroupDocument.Member(c.id(), c.name(),
            toml != null && c.id().equals(changedId) ? toml : c.toml())).toList())
        .<Optional<Invalid>>map(ok -> Optional.empty())
        .recover(e -> e instanceof Invalid invalid ? Future.succeededFuture(Optional.of(invalid))
            : Future.failedFuture(e));
  }
}
