package io.heartgate.configgroups;

import io.heartgate.audit.AuditLog;
import io.heartgate.auth.Principal;
import io.heartgate.configs.AliasRepository;
import io.heartgate.configs.Config;
import io.heartgate.configs.ConfigService;
import io.heartgate.configs.ServedConfig;
import io.heartgate.constants.ConstantLookup;
import io.heartgate.core.ClientInfo;
import io.heartgate.core.Forbidden;
import io.heartgate.core.IdSnapshot;
import io.heartgate.core.Invalid;
import io.heartgate.core.NotFound;
import io.heartgate.core.Page;
import io.heartgate.core.Unavailable;
import io.heartgate.metrics.ConfigRenderMeters;
import io.heartgate.store.CoalescedRead;
import io.heartgate.store.ExclusiveSection;
import io.heartgate.store.ForeignKeyViolation;
import io.vertx.core.Future;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The rules of config groups: members are existing configs, each at most once, whose TOML combines into one valid
 * document; the served document is each member rendered as a single config would be, in order. Also serves the
 * short link {@code /c/{alias}}, which names a config or a group.
 */
public final class ConfigGroupService {
  static final String READ_CONFIGS = "configs:read";
  static final String READ_GROUPS = "config-groups:read";
  private static final String TARGET = "config-group";
  private static final String MEMBERS = "configIds";
  /** Reads of a group for its downloads when it keeps changing while it is read; then 503. */
  private static final int READ_ATTEMPTS = 10;
  /** Groups in a page of their listing. */
  static final int LISTING_PAGE = 50;

  private final ConfigGroupRepository groups;
  private final ConfigService configs;
  private final Combinability combinability;
  private final ExclusiveSection contentChanges;
  private final ConstantLookup constants;
  private final AliasRepository aliases;
  private final AuditLog audit;
  private final Clock clock;
  private final ConfigRenderMeters meters;
  /** Downloads of a group waiting at once share a read of it; so do those of a short link (see CoalescedRead). */
  private final CoalescedRead<String, Served> served = new CoalescedRead<>(this::read);
  private final CoalescedRead<String, Optional<AliasRepository.Target>> targets = new CoalescedRead<>(this::target);

  /**
   * @param contentChanges where every change of a group's members runs, its check and its write, one at a time
   *     with the other changes of what configs and groups serve
   * @param constants the constants' values as stored, which the members are checked with when saved
   * @param meters counts the reads of the store made for downloads
   */
  public ConfigGroupService(ConfigGroupRepository groups, ConfigService configs, Combinability combinability,
      ExclusiveSection contentChanges, ConstantLookup constants, AliasRepository aliases, AuditLog audit,
      Clock clock, ConfigRenderMeters meters) {
    this.groups = groups;
    this.configs = configs;
    this.combinability = combinability;
    this.contentChanges = contentChanges;
    this.constants = constants;
    this.aliases = aliases;
    this.audit = audit;
    this.clock = clock;
    this.meters = meters;
  }

  /** A group as its downloads need it, as of one moment: the group, and its members as they served then. */
  private record Served(ConfigGroup group, List<ServedConfig> members) {
  }

  /** A new group as the caller asks for it, fields already checked for type and size; alias null for none. */
  public record NewGroup(String name, String description, String alias, List<String> configIds) {
  }

  /** A page of the groups by name: {@value #LISTING_PAGE} of them, each with up to 100 members. */
  public Future<Page<ConfigGroup, IdSnapshot>> page(IdSnapshot at) {
    return IdSnapshot.page(at, LISTING_PAGE, groups::ids, groups::byIds, ConfigGroup::id);
  }

  /** At most {@code count} groups by name after {@code name} (null: from the first): a page asked for. */
  public Future<Page<ConfigGroup, String>> after(String name, int count) {
    return groups.idsAfter(name, count + 1)
        .compose(ids -> Page.ofIds(ids, count, groups::byIds, ConfigGroup::id));
  }

  public Future<ConfigGroup> get(String idOrAlias) {
    return groups.byIdOrAlias(idOrAlias).compose(group -> group.map(Future::succeededFuture)
        .orElseGet(() -> Future.failedFuture(notFound())));
  }

  /**
   * A new group's content time is now, or its members' latest Last-Modified if that is later: a group's content
   * time is never older than its members' (see {@link io.heartgate.configs.GroupMembership#membersChanged}).
   */
  public Future<ConfigGroup> create(Principal actor, NewGroup request, ClientInfo client) {
    long now = clock.millis();
    String id = UUID.randomUUID().toString();
    return contentChanges.run(() -> combinable(request.configIds())
            .compose(ignored -> latestOf(request.configIds()))
            .compose(latest -> groups.insert(new ConfigGroup(id, request.name(), request.alias(),
                    request.description(), request.configIds(), Math.max(now, latest), now, now, actor.userId()))
                .recover(e -> membersGone(e, request.configIds()))))
        .compose(created -> audit.record("config-group.create", actor, TARGET, id, AuditLog.SUCCESS, client)
            .map(created));
  }

  /**
   * The latest Last-Modified of these configs as they are served now; 0 for none. A member deleted since the check
   * is named as the check names it.
   */
  private Future<Long> latestOf(List<String> configIds) {
    return configs.served(configIds).map(each -> each.stream().mapToLong(ServedConfig::lastModified).max()
        .orElse(0L))
        .recover(failure -> failure instanceof NotFound ? unknownAmong(configIds) : Future.failedFuture(failure));
  }

  /**
   * Applies the changes (at least one field). New members are checked as on create; the group's
   * {@code Last-Modified} moves only when the members or their order change.
   */
  public Future<ConfigGroup> update(Principal actor, String idOrAlias, ConfigGroupRepository.Changes changes,
      ClientInfo client) {
    if (changes.name() == null && changes.description() == null && changes.alias() == null
        && changes.configIds() == null) {
      return Future.failedFuture(new Invalid("name",
          "nothing to change: give name, description, alias or configIds"));
    }
    Supplier<Future<ConfigGroup>> change = () -> get(idOrAlias).compose(group ->
        (changes.configIds() == null ? Future.<Void>succeededFuture() : combinable(changes.configIds()))
            // The content time is never older than the old members' (they moved it when they changed); the new
            // members' may be later.
            .compose(ignored -> changes.configIds() == null ? Future.succeededFuture(0L)
                : latestOf(changes.configIds()))
            .compose(latest -> groups.update(group.id(), new ConfigGroupRepository.Changes(changes.name(),
                    changes.description(), changes.alias(), changes.configIds(), latest), clock.millis())
                .recover(e -> membersGone(e, changes.configIds())))
            .compose(changed -> changed.map(Future::succeededFuture)
                .orElseGet(() -> Future.failedFuture(notFound()))));
    // Answered as written: a deletion right after the change must not turn a change that was done into a 404.
    return (changes.configIds() == null ? change.get() : contentChanges.run(change))
        .compose(changed -> audit.record("config-group.update", actor, TARGET, changed.id(), AuditLog.SUCCESS, client)
            .map(changed));
  }

  /** Deletes the group; its members stay. */
  public Future<Void> delete(Principal actor, String idOrAlias, ClientInfo client) {
    return get(idOrAlias).compose(group -> groups.delete(group.id())
        .compose(deleted -> deleted ? Future.succeededFuture() : Future.failedFuture(notFound()))
        .compose(ignored -> audit.record("config-group.delete", actor, TARGET, group.id(), AuditLog.SUCCESS,
            client)));
  }

  /**
   * The group's document with every member's parameters filled from {@code query}; its {@code Last-Modified} is
   * the latest of the group's content time and each member's own. The group and its members are read by a read that
   * starts after the call, shared with the downloads waiting at the same time, so a change is served at once on
   * every node; members are rendered as single configs are (and cached likewise).
   */
  public Future<ConfigService.Rendered> render(String idOrAlias, Function<String, String> query) {
    return served.get(idOrAlias).compose(current -> {
      // One member after the other, the document's size added up as they come: filled in all at once, a hundred
      // members near the limit each held their megabyte together, and six such downloads ran a node out of memory.
      GroupDocument.Filling filling = new GroupDocument.Filling(current.group().contentChangedAt());
      current.members().forEach(member -> filling.add(member, () -> configs.render(member, query)));
      return filling.document();
    });
  }

  private Future<Served> read(String idOrAlias) {
    return read(idOrAlias, READ_ATTEMPTS);
  }

  /**
   * The group, then its members (their current versions in one statement, the constants they use in another, and
   * the TOML of versions not yet in the cache), then the group's content time again. Whatever changes what a member serves moves the group's content
   * time in the same transaction, so the same time after as before means the members were read as of the group's
   * state: the document is that state's, under that state's Last-Modified. Otherwise a change came in between, and
   * the document might be the new one under the old date (which an agent watching with HEAD would never reload) or
   * the old one under the new date: read again. A read takes a few statements, so even a constant edited back to
   * back leaves room for one. A group deleted meanwhile is a 404.
   */
  private Future<Served> read(String idOrAlias, int attempts) {
    meters.storeRead(ConfigRenderMeters.Read.GROUP);
    return get(idOrAlias).compose(group -> configs.served(group.configIds())
        .transform(members -> groups.contentChangedAt(group.id()).compose(now -> {
          if (now.isEmpty()) {
            return Future.failedFuture(notFound());
          }
          if (now.get() == group.contentChangedAt()) {
            return members.succeeded() ? Future.succeededFuture(new Served(group, members.result()))
                : Future.failedFuture(members.cause());
          }
          return attempts > 1 ? read(idOrAlias, attempts - 1)
              : Future.failedFuture(new Unavailable("busy", "The config group changed while it was read; try again"));
        })));
  }

  private Future<Optional<AliasRepository.Target>> target(String alias) {
    meters.storeRead(ConfigRenderMeters.Read.ALIAS);
    return aliases.resolve(alias);
  }

  /**
   * {@code /c/{alias}}: the config or group the alias names, rendered, for a caller holding the permission that
   * reading that kind needs ({@code configs:read} or {@code config-groups:read}).
   */
  public Future<ConfigService.Rendered> renderAlias(Principal caller, String alias, Function<String, String> query) {
    if (!caller.has(READ_CONFIGS) && !caller.has(READ_GROUPS)) {
      return Future.failedFuture(new Forbidden("missing permission " + READ_CONFIGS));
    }
    return targets.get(alias).compose(target -> {
      if (target.isEmpty()) {
        return Future.failedFuture(new NotFound("No such alias"));
      }
      boolean config = target.get().owner() == AliasRepository.Owner.CONFIG;
      String permission = config ? READ_CONFIGS : READ_GROUPS;
      if (!caller.has(permission)) {
        return Future.failedFuture(new Forbidden("missing permission " + permission));
      }
      return config ? configs.render(target.get().id(), query) : render(target.get().id(), query);
    });
  }

  /**
   * 400 naming {@code configIds} when a member is given twice, is not a config, or the members' TOML does not
   * combine into one valid document.
   */
  private Future<Void> combinable(List<String> configIds) {
    Set<String> seen = new HashSet<>();
    Set<String> twice = new LinkedHashSet<>();
    configIds.forEach(id -> {
      if (!seen.add(id)) {
        twice.add(id);
      }
    });
    if (!twice.isEmpty()) {
      return Future.failedFuture(new Invalid(MEMBERS, "A config can be in a group only once; given more than "
          + "once: " + String.join(", ", twice), Map.of("duplicates", List.copyOf(twice))));
    }
    List<Future<Config>> members = configIds.stream().map(configs::get).toList();
    return Future.join(members).transform(ignored -> {
      List<String> unknown = new ArrayList<>();
      for (int i = 0; i < members.size(); i++) {
        Throwable failure = members.get(i).cause();
        if (failure instanceof NotFound) {
          unknown.add(configIds.get(i));
        } else if (failure != null) {
          return Future.failedFuture(failure);
        }
      }
      if (!unknown.isEmpty()) {
        return Future.failedFuture(unknownConfigs(unknown));
      }
      List<GroupDocument.Member> documents = members.stream()
          .map(m -> new GroupDocument.Member(m.result().id(), m.result().name(), m.result().toml())).toList();
      return combinability.require(documents, constants);
    });
  }

  /** A member deleted between the check and the write: the foreign key refused the write. */
  private <T> Future<T> membersGone(Throwable failure, List<String> configIds) {
    return ForeignKeyViolation.in(failure) && configIds != null ? unknownAmong(configIds)
        : Future.failedFuture(failure);
  }

  /** Fails naming those of the configs that are gone. */
  private <T> Future<T> unknownAmong(List<String> configIds) {
    return configs.summaries(configIds).compose(found -> Future.failedFuture(unknownConfigs(configIds.stream()
        .filter(id -> found.stream().noneMatch(c -> c.id().equals(id))).toList())));
  }

  private static Invalid unknownConfigs(List<String> unknown) {
    return new Invalid(MEMBERS, "No such config: " + String.join(", ", unknown), Map.of("unknown", unknown));
  }

  private static NotFound notFound() {
    return new NotFound("No such config group");
  }
}
