package io.heartgate.configgroups;

import io.heartgate.configs.Config;
import io.heartgate.configs.GroupMembership;
import io.heartgate.configs.MemberTomlCheck;
import io.heartgate.constants.ConstantLookup;
import io.heartgate.core.Invalid;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The one place that checks, against the store, that members combine into one servable document
 * ({@link GroupDocument#requireCombinable}): when a group's members are saved, and when what a member serves is
 * about to change (its TOML, or a constant it uses), so that no such change breaks the document of a group.
 */
public final class Combinability implements MemberTomlCheck {
  private final Vertx vertx;
  private final ConfigGroupRepository groups;

  public Combinability(Vertx vertx, ConfigGroupRepository groups) {
    this.vertx = vertx;
    this.groups = groups;
  }

  /**
   * 400 on {@code configIds} when these members do not combine, with the constants' values from
   * {@code constants}. The check parses up to 1 MiB of TOML several times: it runs on a worker, not on the event
   * loop that also serves heartbeats (the size, which bounds it, is checked first).
   */
  Future<Void> require(List<GroupDocument.Member> members, ConstantLookup constants) {
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
   * Each group holding one of the configs, one after the other, with its members as they read after the change;
   * a group that cannot be served so is checked again as they read now, and only the groups that pass then are
   * broken by the change. One group's members are held at a time (a config may be in many groups of up to 1 MiB
   * each). The members are read, not locked: the changes checked here run one at a time (the services' {@link
   * io.heartgate.store.ExclusiveSection}).
   */
  @Override
  public Future<Optional<Broken>> groupsBrokenBy(Collection<String> configIds, Reading now, Reading after,
      Function<String, Future<Optional<Config>>> configs) {
    return groups.groupsContaining(configIds).compose(containing -> {
      List<GroupMembership.GroupRef> broken = new ArrayList<>();
      List<Invalid> why = new ArrayList<>();
      Future<Void> chain = Future.succeededFuture();
      for (GroupMembership.GroupRef group : containing) {
        chain = chain.compose(ignored -> membersOf(group.id(), configs))
            .compose(members -> refusal(members, after)
                .compose(refusedAfter -> refusedAfter.isEmpty() ? Future.succeededFuture()
                    : refusal(members, now).map(refusedNow -> {
                      if (refusedNow.isEmpty()) {
                        broken.add(group);
                        why.add(refusedAfter.get());
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

  /** Why these members, as they read so, could not be served; empty when they could. */
  private Future<Optional<Invalid>> refusal(List<Config> members, Reading reading) {
    return require(members.stream().map(c -> new GroupDocument.Member(c.id(), c.name(), reading.toml().apply(c)))
            .toList(), reading.constants())
        .<Optional<Invalid>>map(ok -> Optional.empty())
        .recover(e -> e instanceof Invalid invalid ? Future.succeededFuture(Optional.of(invalid))
            : Future.failedFuture(e));
  }
}
