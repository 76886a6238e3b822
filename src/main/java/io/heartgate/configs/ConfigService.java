package io.heartgate.configs;

import io.heartgate.agents.AgentService;
import io.heartgate.audit.AuditLog;
import io.heartgate.auth.Principal;
import io.heartgate.constants.ConstantService;
import io.heartgate.core.ClientInfo;
import io.heartgate.core.Conflict;
import io.heartgate.core.IdSnapshot;
import io.heartgate.core.Invalid;
import io.heartgate.core.NotFound;
import io.heartgate.core.Page;
import io.heartgate.core.RoutedPath;
import io.heartgate.labels.LabelFilter;
import io.heartgate.labels.LabelService;
import io.heartgate.labels.LabelTarget;
import io.heartgate.metrics.ConfigRenderMeters;
import io.heartgate.store.ExclusiveSection;
import io.heartgate.store.ForeignKeyViolation;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The rules of configs: TOML must parse when written (with the constants it uses as they are then), names are
 * unique, a config that reporting agents use cannot be deleted, and the served TOML has its constants filled from
 * the store and its parameters from the agent's query string.
 */
public final class ConfigService {
  private static final String TARGET = "config";
  private static final String TOML = "toml";
  /** Configs in a page of their listing: about 20 KB each at most, with a long description and 100 labels. */
  static final int LISTING_PAGE = 20;
  /** Versions in a page of their listing: without their TOML, each at most a note of 1,000 characters. */
  static final int VERSIONS_PAGE = 250;

  private final ConfigRepository configs;
  /** The one thread version diffs are worked out on, made at the first diff. */
  private volatile WorkerExecutor diffs;
  private final AgentService agents;
  private final LabelService labels;
  private final ConstantService constants;
  private final AuditLog audit;
  private final Clock clock;
  private final GroupMembership groups;
  private final MemberTomlCheck groupsServable;
  private final ExclusiveSection contentChanges;
  private final ServedConfigs served;
  private final RenderedDocuments rendered;

  /**
   * @param groups answers whether a config is in a config group (a member cannot be deleted)
   * @param groupsServable names the groups holding a config that a new TOML of it would leave unservable
   * @param contentChanges where every change of a config's TOML runs, its checks and its write, one at a time with
   *     the other changes of what configs and groups serve
   * @param renderMeters counts how downloads are served
   */
  public ConfigService(ConfigRepository configs, AgentService agents, LabelService labels,
      ConstantService constants, AuditLog audit, Clock clock, GroupMembership groups,
      MemberTomlCheck groupsServable, ExclusiveSection contentChanges, ConfigRenderMeters renderMeters) {
    this.configs = configs;
    this.agents = agents;
    this.labels = labels;
    this.constants = constants;
    this.audit = audit;
    this.clock = clock;
    this.groups = groups;
    this.groupsServable = groupsServable;
    this.contentChanges = contentChanges;
    this.served = new ServedConfigs(configs, constants, renderMeters);
    this.rendered = new RenderedDocuments(renderMeters);
  }

  /** A new config as the caller asks for it, fields already checked for type and size; alias null for none. */
  public record NewConfig(String name, String description, String toml, String alias) {
  }

  /**
   * A TOML document as an agent gets it.
   *
   * @param lastModified epoch milliseconds of the last change of what the document is made of (its TOML, the
   *     constants it uses; for a group, its members too): its {@code Last-Modified}
   */
  public record Rendered(String toml, long lastModified) {
  }

  /**
   * A page of the records of the configs carrying the labels, by name, each with its {@code "labels"}:
   * {@value #LISTING_PAGE} of them, each with up to 100 labels.
   */
  public Future<Page<JsonObject, IdSnapshot>> page(LabelFilter filter, IdSnapshot at) {
    return IdSnapshot.page(at, LISTING_PAGE, () -> configs.ids(filter), configs::byIds, Config::id)
        .compose(page -> records(page.items()).map(page::with));
  }

  /**
   * At most {@code count} records of the configs carrying the labels, by name after {@code name} (null: from the
   * first), each with its {@code "labels"}: a page asked for.
   */
  public Future<Page<JsonObject, String>> after(LabelFilter filter, String name, int count) {
    return configs.idsAfter(filter, name, count + 1)
        .compose(ids -> Page.ofIds(ids, count, configs::byIds, Config::id))
        .compose(page -> records(page.items()).map(page::with));
  }

  /** The records of these configs, each with its {@code "labels"}. */
  public Future<List<JsonObject>> records(List<Config> list) {
    if (list.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    return labels.referencesOf(LabelTarget.CONFIG, list.stream().map(Config::id).toList())
        .map(byConfig -> list.stream().map(config -> config.toJson().put("labels",
            byConfig.getOrDefault(config.id(), new JsonArray()))).toList());
  }

  /** The record of this config, with its {@code "labels"}. */
  public Future<JsonObject> record(Config config) {
    return records(List.of(config)).map(list -> list.get(0));
  }

  /** Assigns the labels (all must exist) to the config; assigned ones stay. */
  public Future<Void> assignLabels(Principal actor, String id, List<String> labelIds, ClientInfo client) {
    return get(id).compose(config -> labels.assign(actor, LabelTarget.CONFIG, id, labelIds, client,
        ConfigService::notFound));
  }

  /** Removes the labels (all must exist) from the config; labels it does not carry are ignored. */
  public Future<Void> removeLabels(Principal actor, String id, List<String> labelIds, ClientInfo client) {
    return get(id).compose(config -> labels.remove(actor, LabelTarget.CONFIG, id, labelIds, client));
  }

  /** These configs without their TOML, in no particular order; ids that name none are left out. */
  public Future<List<Config>> summaries(List<String> ids) {
    return configs.byIds(ids);
  }

  public Future<Config> get(String id) {
    return configs.byId(id).compose(config -> config.map(Future::succeededFuture)
        .orElseGet(() -> Future.failedFuture(notFound())));
  }

  public Future<Config> create(Principal actor, NewConfig request, ClientInfo client) {
    long now = clock.millis();
    Config config = new Config(UUID.randomUUID().toString(), request.name(), request.description(), request.toml(),
        now, now, now, actor.userId(), 1, request.alias());
    TomlTemplate template = TomlTemplate.of(request.toml());
    Supplier<Future<Config>> insert = () -> valid(template)
        .compose(ignored -> configs.insert(config, new ConfigRepository.Authorship(author(actor), null)));
    // A new config is in no group; only a constant changed at the same moment could break it.
    return (template.constantNames().isEmpty() ? insert.get() : contentChanges.run(insert))
        .compose(created -> audit.record("config.create", actor, TARGET, config.id(),
            AuditLog.SUCCESS, client).map(created));
  }

  /**
   * Applies the changes (at least one field); fields already checked for type and size. A TOML that differs
   * from the stored one makes a new version carrying the note (null: none); otherwise the note is not kept.
   */
  public Future<Config> update(Principal actor, String id, ConfigRepository.Changes changes, String note,
      ClientInfo client) {
    if (changes.name() == null && changes.description() == null && changes.toml() == null
        && changes.alias() == null) {
      return Future.failedFuture(new Invalid("name", "nothing to change: give name, description, toml or alias"));
    }
    Supplier<Future<Config>> change = () -> {
      Future<Config> before = changes.toml() == null ? Future.succeededFuture()
          : valid(changes.toml()).compose(ignored -> get(id))
              .compose(config -> groupsStayServable(config, changes.toml(), TOML).map(config));
      return before.compose(config -> (config == null ? Future.succeededFuture(0L) : nextChangeAt(config))
          .compose(notBefore -> configs.update(id, changes, clock.millis(), notBefore,
              new ConfigRepository.Authorship(author(actor), note), groupsFollow(id)))
          .compose(changed -> changed.map(Future::succeededFuture).orElseGet(() -> Future.failedFuture(notFound()))));
    };
    // A new name changes what the config's groups serve (a comment line naming it), as a new TOML does.
    return (changes.toml() == null && changes.name() == null ? change.get() : contentChanges.run(change))
        .compose(after -> audit.record("config.update", actor, TARGET, id, AuditLog.SUCCESS, client).map(after));
  }

  /**
   * When the config's TOML or name changes, the groups it is in move their Last-Modified too, in the same transaction
   * (past their own, not only past the config's, which may be older than a group's).
   */
  private ConfigRepository.ServedChanged groupsFollow(String id) {
    return (sql, changedAt) -> groups.membersChanged(sql, List.of(id), changedAt);
  }

  /**
   * Deletes a config unless it is a member of a config group, or agents reporting right now name its URL among
   * their configuration sources.
   */
  public Future<Void> delete(Principal actor, String id, ClientInfo client) {
    return get(id)
        .compose(config -> notInAGroup(config)
            .compose(ignored -> agentsUsing(config))
            .compose(count -> count == 0 ? configs.delete(id)
                : Future.failedFuture(new Conflict("config_in_use", "Config " + config.name() + " is used by "
                    + count + (count == 1 ? " reporting agent" : " reporting agents") + " and cannot be deleted",
                    Map.of("agents", count))))
            // A group took the config as a member after the check: the foreign key refused the delete.
            .recover(e -> ForeignKeyViolation.in(e) ? notInAGroup(config).map(false) : Future.failedFuture(e)))
        .compose(deleted -> deleted ? Future.succeededFuture() : Future.failedFuture(notFound()))
        .compose(ignored -> audit.record("config.delete", actor, TARGET, id, AuditLog.SUCCESS,
            client));
  }

  /** Fails with 409 {@code config_in_group}, naming the groups, when the config is a member of any. */
  private Future<Void> notInAGroup(Config config) {
    return groups.groupsContaining(List.of(config.id())).compose(containing -> containing.isEmpty()
        ? Future.succeededFuture()
        : Future.failedFuture(new Conflict("config_in_group", "Config " + config.name() + " is a member of "
            + GroupMembership.GroupRef.named(containing) + " and cannot be deleted; remove it from the group first",
            Map.of("groups", GroupMembership.GroupRef.details(containing)))));
  }

  /**
   * Fails with 400 (on {@code field}; null for none), naming the groups in {@code details.groups} and the members
   * that clash in {@code details.configs}, when the config's TOML changing to {@code toml} would leave a group
   * holding it unservable.
   */
  private Future<Void> groupsStayServable(Config config, String toml, String field) {
    if (config.toml().equals(toml)) {
      return Future.succeededFuture();  // the groups serve what they served
    }
    MemberTomlCheck.Reading now = new MemberTomlCheck.Reading(Config::toml, constants::named);
    MemberTomlCheck.Reading after = new MemberTomlCheck.Reading(
        member -> member.id().equals(config.id()) ? toml : member.toml(), constants::named);
    return groupsServable.groupsBrokenBy(List.of(config.id()), now, after, configs::byId)
        .compose(broken -> MemberTomlCheck.require(broken, field, "TOML"));
  }

  /**
   * At most {@code count} of the config's versions, newest first, without their TOML, below {@code before} (null:
   * from the newest). None is a 404 when the config is not there (a config has a version from its creation on).
   */
  public Future<Page<ConfigVersion, Integer>> versions(String id, Integer before, int count) {
    return configs.versions(id, before, count + 1)
        .compose(read -> read.isEmpty() ? get(id).map(exists -> read) : Future.succeededFuture(read))
        .map(read -> Page.readOneMore(read, count, ConfigVersion::version));
  }

  /** One version with its TOML; a 404 for the config when it is not there, else for the version. */
  public Future<ConfigVersion> version(String id, int n) {
    return configs.version(id, n).compose(version -> version.isPresent() ? Future.succeededFuture(version)
        : get(id).map(exists -> version)).compose(version -> existing(version, n));
  }

  private static Future<ConfigVersion> existing(Optional<ConfigVersion> version, int n) {
    return version.map(Future::succeededFuture).orElseGet(() -> Future.failedFuture(noSuchVersion(n)));
  }

  /**
   * A unified diff from version {@code a} to version {@code b}; empty when their TOML is the same. Worked out on a
   * thread of its own, one diff at a time: bounded as it is (see {@link VersionDiff}), one of versions of a
   * megabyte takes a tenth of a second and tens of megabytes, which several at once on the worker pool would
   * multiply.
   */
  public Future<String> diff(String id, int a, int b) {
    return version(id, a).compose(from -> version(id, b).compose(to -> diffs()
        .executeBlocking(() -> VersionDiff.unified(from, to))));
  }

  private WorkerExecutor diffs() {
    WorkerExecutor pool = diffs;
    if (pool == null) {
      synchronized (this) {
        if (diffs == null) {
          diffs = Vertx.currentContext().owner().createSharedWorkerExecutor("heartgate-version-diffs", 1);
        }
        pool = diffs;
      }
    }
    return pool;
  }

  /**
   * Makes a new version with the TOML of version {@code n}, even when it is the current TOML (the caller asked for
   * a new version; {@code Last-Modified} then stays, as the document does); the new version, with its TOML.
   */
  public Future<ConfigVersion> rollback(Principal actor, String id, int n, String note, ClientInfo client) {
    String kept = note != null ? note : "Rollback to version " + n;
    return contentChanges.run(() -> get(id)
            .compose(config -> configs.version(id, n)
                .compose(restored -> existing(restored, n))
                .compose(restored -> restorable(restored).map(restored))
                // No field to name: the request has none, the TOML is the version's.
                .compose(restored -> groupsStayServable(config, restored.toml(), null))
                .compose(ignored -> nextChangeAt(config)))
            .compose(notBefore -> configs.rollback(id, n, clock.millis(), notBefore,
                new ConfigRepository.Authorship(author(actor), kept), groupsFollow(id)))
            .compose(made -> made.map(Future::succeededFuture)
                .orElseGet(() -> Future.failedFuture(noSuchVersion(n)))))
        // Answered as written: the config's deletion right after would leave no version to read again.
        .compose(made -> audit.record("config.rollback", actor, TARGET, id, AuditLog.SUCCESS, client).map(made));
  }

  /** Deletes all but the newest {@code keepLatest} versions (never the current one); how many went. */
  public Future<Integer> prune(Principal actor, String id, int keepLatest, ClientInfo client) {
    return get(id)
        .compose(ignored -> configs.prune(id, keepLatest))
        .compose(deleted -> audit.record("config.versions.prune", actor, TARGET, id, AuditLog.SUCCESS, client)
            .map(deleted));
  }

  /** A version's author: the user, or the token and the user it belongs to; null for an anonymous caller. */
  private static ConfigVersion.Author author(Principal actor) {
    if (actor.isAnonymous()) {
      return null;
    }
    return actor.tokenId() != null ? new ConfigVersion.Author("token", actor.tokenId(), actor.username())
        : new ConfigVersion.Author("user", actor.userId(), actor.username());
  }

  private static NotFound noSuchVersion(int n) {
    return new NotFound("No such version: " + n);
  }

  /**
   * The TOML of the config {@code idOrAlias} names (an id first, else an alias) with its constants filled as they
   * are now and its parameters from {@code query} (all values of a name, joined with ", "; null when the query has
   * none). Every change committed before the call is served, on every node: the config is read by a read that
   * starts after the call, shared with the downloads waiting for the same config ({@link ServedConfigs}), and a
   * document rendered before with the same versions and parameters is taken from {@link RenderedDocuments}.
   */
  public Future<Rendered> render(String idOrAlias, Function<String, String> query) {
    return served.current(idOrAlias).map(current -> rendered.of(current, query));
  }

  /**
   * These configs as downloads serve them now, in the order of {@code ids}, read together (a group's members: see
   * {@link ServedConfigs#all}): every change committed before the call is in them. 404 when one of them is gone.
   */
  public Future<List<ServedConfig>> served(List<String> ids) {
    return served.all(ids);
  }

  /**
   * The config's document as read, with its parameters from {@code query}, taken from {@link RenderedDocuments}
   * when rendered before; 400 as {@link TomlTemplate#render} says.
   */
  public Rendered render(ServedConfig config, Function<String, String> query) {
    return rendered.of(config, query);
  }

  /** The earliest TOML change time that moves the config's Last-Modified, with its constants as they are now. */
  private Future<Long> nextChangeAt(Config config) {
    ConfigDocument document = ConfigDocument.of(config.id(), config.name(), config.toml(), config.tomlChangedAt());
    return constants.named(document.constants()).map(document::nextChangeAt);
  }

  /**
   * How many agents that report now list one of this config's URLs. The store narrows the agents down by text; the
   * exact test is here: a source whose path as the router reads it (see {@link #pathOf}) ends in
   * {@code /api/configs/<id>/toml}, or, by its alias, in {@code /api/configs/<alias>/toml} or {@code /c/<alias>}, so
   * a proxy prefix or another host name still counts, and another config's id never does.
   */
  private Future<Integer> agentsUsing(Config config) {
    List<String> byId = List.of(Config.tomlPath(config.id()));
    // The store narrows by the id alone: a path with a dot segment holds it apart from the rest of the path.
    Future<Integer> viaId = agents.configurationsOfReportingAgentsMentioning(config.id())
        .map(all -> (int) all.stream().filter(sources -> names(sources, byId)).count());
    if (config.alias() == null) {
      return viaId;
    }
    List<String> byAlias = List.of(Config.tomlPath(config.alias()), "/c/" + config.alias());
    // An agent naming both an id URL and an alias URL was counted above. Both alias paths hold "/<alias>": the
    // store narrows by that rather than by the bare alias, which a short one would find in most sources.
    return viaId.compose(count -> agents.configurationsOfReportingAgentsMentioning("/" + config.alias())
        .map(all -> count + (int) all.stream()
            .filter(sources -> names(sources, byAlias) && !names(sources, byId)).count()));
  }

  private static boolean names(String sourcesJson, List<String> paths) {
    JsonArray sources;
    try {
      sources = new JsonArray(sourcesJson);
    } catch (DecodeException e) {
      return false;
    }
    for (Object source : sources) {
      if (source instanceof String url && paths.stream().anyMatch(pathOf(url)::endsWith)) {
        return true;
      }
    }
    return false;
  }

  /** The URL's path as the router reads it ({@code /api/configs/x/../<id>/to%6Dl} is the config's); "" for none. */
  private static String pathOf(String url) {
    try {
      String rawPath = URI.create(url).getRawPath();
      String routed = rawPath == null || rawPath.isEmpty() ? null : RoutedPath.of(rawPath);
      return routed == null ? "" : routed;
    } catch (IllegalArgumentException notAUri) {
      return "";
    }
  }

  /**
   * Checks the TOML with the values its defined constants have now (an undefined one is refused when served, not
   * here). Parsing runs on the calling event loop: writes are rare and the TOML is at most
   * {@link TomlSize#MAX_BYTES}, a few milliseconds of parsing.
   */
  private Future<Void> valid(String toml) {
    return valid(TomlTemplate.of(toml));
  }

  private Future<Void> valid(TomlTemplate template) {
    return constants.named(template.constantNames())
        .map(defined -> {
          TomlValidator.requireValid(TOML, template, defined::value);
          return null;
        });
  }

  /**
   * A version's TOML is checked as a save checks it, with the constants of now: it was valid with those of its day,
   * and a constant defined or changed since may make it invalid, or open a string for a parameter to leave.
   */
  private Future<Void> restorable(ConfigVersion restored) {
    return valid(restored.toml()).recover(refused -> Future.failedFuture(refused instanceof Invalid invalid
        ? new Invalid(TOML, "Version " + restored.version() + " cannot be restored: " + invalid.getMessage(),
            invalid.details())
        : refused));
  }

  static NotFound notFound() {
    return new NotFound("No such config");
  }
}
