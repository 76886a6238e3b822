package io.heartgate.configs;

import io.heartgate.core.Check;
import io.heartgate.core.Cursor;
import io.heartgate.core.IdSnapshot;
import io.heartgate.core.Invalid;
import io.heartgate.core.NotFound;
import io.heartgate.core.Page;
import io.heartgate.http.Authenticator;
import io.heartgate.http.InFlightLimit;
import io.heartgate.http.QueryParams;
import io.heartgate.http.RequestBody;
import io.heartgate.http.RequestOrigin;
import io.heartgate.http.Responses;
import io.heartgate.http.Routes;
import io.heartgate.http.StreamedListing;
import io.heartgate.labels.LabelFilter;
import io.heartgate.labels.LabelRoutes;
import io.heartgate.labels.LabelService;
import io.heartgate.labels.LabelTarget;
import io.heartgate.settings.AuthGroup;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.HostAndPort;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.BiFunction;

/**
 * HTTP ↔ JSON for {@code /api/configs}, and the TOML download agents start from and watch
 * ({@code GET}/{@code HEAD /api/configs/{id}/toml}), all in the {@code configs} authentication group.
 */
public final class ConfigRoutes implements Routes {
  private static final Cursor.ByName BY_NAME = new Cursor.ByName("configs");
  private static final int MAX_NAME = 255;
  private static final int MAX_DESCRIPTION = 4096;
  private static final int MAX_URL = 2048;
  private static final int MAX_NOTE = 1000;
  private static final int MAX_KEEP_LATEST = 1_000_000;
  private static final String DIFF_CONTENT_TYPE = "text/x-diff; charset=utf-8";

  private static final String NAME = "name";
  private static final String DESCRIPTION = "description";
  private static final String TOML = "toml";
  private static final String TEMPLATE = "template";
  private static final String HEARTBEAT_URL = "heartbeatUrl";
  private static final String NOTE = "note";
  private static final String KEEP_LATEST = "keepLatest";
  /**
   * Reads answering a config's TOML in JSON (a config, a version) at work at once on the node: one of a config of
   * 1 MiB holds its row, its JSON and its answer, megabytes, while the event loops work through the others, and 300
   * at once ran a node of 256 MiB out of memory. One for every 16 MiB of heap, from 8 to 64.
   */
  static final int TOML_READS_AT_ONCE = InFlightLimit.ofHeap(16L << 20, 8, 64);
  /** Diffs at work at once, each holding both versions' TOML (worked out on one thread, one after the other). */
  static final int DIFFS_AT_ONCE = 8;
  /** Reads and diffs waiting their turn at most; more are 503 at once. */
  private static final int WAITING = 1_000;

  private final ConfigService service;
  private final LabelService labels;
  private final Authenticator auth;
  private final int heartbeatPort;
  private final TomlDownload downloads;
  private final InFlightLimit tomlReads = new InFlightLimit(TOML_READS_AT_ONCE, WAITING,
      "Too many configs and versions are being read at once; try again");
  private final InFlightLimit diffs = new InFlightLimit(DIFFS_AT_ONCE, WAITING,
      "Too many version diffs are being worked out at once; try again");
  private final InFlightLimit listings;

  /**
   * @param heartbeatPort the heartbeat listener's port, for the heartbeat URL of the agent template
   * @param downloads writes and counts the TOML downloads
   */
  public ConfigRoutes(ConfigService service, LabelService labels, Authenticator auth, int heartbeatPort,
      TomlDownload downloads, InFlightLimit listings) {
    this.service = service;
    this.labels = labels;
    this.auth = auth;
    this.heartbeatPort = heartbeatPort;
    this.downloads = downloads;
    this.listings = listings;
  }

  @Override
  public void mount(Router router) {
    AuthGroup group = AuthGroup.CONFIGS;
    router.get("/api/configs").handler(auth.require(group, "configs:read")).handler(this::list);
    router.post("/api/configs").handler(auth.require(group, "configs:write")).handler(this::create);
    router.get("/api/configs/:id").handler(auth.require(group, "configs:read")).handler(ctx ->
        tomlReads.answer(ctx, null, () -> service.get(ctx.pathParam("id")).compose(service::record)));
    router.patch("/api/configs/:id").handler(auth.require(group, "configs:write")).handler(this::update);
    router.delete("/api/configs/:id").handler(auth.require(group, "configs:delete")).handler(ctx ->
        service.delete(Authenticator.principal(ctx), ctx.pathParam("id"), RequestOrigin.of(ctx))
            .onSuccess(ignored -> Responses.noContent(ctx))
            .onFailure(ctx::fail));
    router.get("/api/configs/:id/versions").handler(auth.require(group, "configs:read")).handler(this::versions);
    router.delete("/api/configs/:id/versions").handler(auth.require(group, "configs:delete")).handler(this::prune);
    router.get("/api/configs/:id/versions/:n").handler(auth.require(group, "configs:read")).handler(ctx ->
        tomlReads.answer(ctx, null, () -> service.version(ctx.pathParam("id"), versionNumber(ctx.pathParam("n")))
            .map(ConfigVersion::toJson)));
    router.get("/api/configs/:id/versions/:a/diff/:b").handler(auth.require(group, "configs:read"))
        .handler(this::diff);
    router.post("/api/configs/:id/versions/:n/rollback").handler(auth.require(group, "configs:write"))
        .handler(this::rollback);
    // Assigning a label needs write on the config and labels:read.
    router.put("/api/configs/bulk/labels/assign")
        .handler(auth.require(group, "configs:write", AuthGroup.LABELS, "labels:read"))
        .handler(ctx -> LabelRoutes.bulkAssignment(ctx, labels, LabelTarget.CONFIG, (id, labelIds) ->
            service.assignLabels(Authenticator.principal(ctx), id, labelIds, RequestOrigin.of(ctx))));
    router.put("/api/configs/bulk/labels/remove")
        .handler(auth.require(group, "configs:write", AuthGroup.LABELS, "labels:read"))
        .handler(ctx -> LabelRoutes.bulkRemoval(ctx, labels, (id, labelIds) ->
            service.removeLabels(Authenticator.principal(ctx), id, labelIds, RequestOrigin.of(ctx))));
    router.post("/api/configs/:id/assign/:labelId")
        .handler(auth.require(group, "configs:write", AuthGroup.LABELS, "labels:read"))
        .handler(ctx -> respond(ctx, 200, service.assignLabels(Authenticator.principal(ctx), ctx.pathParam("id"),
                List.of(ctx.pathParam("labelId")), RequestOrigin.of(ctx))
            .compose(ignored -> service.get(ctx.pathParam("id")))));
    router.delete("/api/configs/:id/labels/:labelId")
        .handler(auth.require(group, "configs:write", AuthGroup.LABELS, "labels:read"))
        .handler(ctx -> respond(ctx, 200, service.removeLabels(Authenticator.principal(ctx), ctx.pathParam("id"),
                List.of(ctx.pathParam("labelId")), RequestOrigin.of(ctx))
            .compose(ignored -> service.get(ctx.pathParam("id")))));
    downloads.mount(router, "/api/configs/:id/toml", auth.require(group, "configs:read"), (ctx, query) ->
        service.render(ctx.pathParam("id"), query));
  }

  private void list(RoutingContext ctx) {
    LabelFilter labelled = LabelFilter.parse(QueryParams.of(ctx).getAll("label"));
    StreamedListing.<IdSnapshot, String>answer(ctx, listings, "configs", at -> service.page(labelled, at),
        new StreamedListing.ByCursor<>(ConfigService.LISTING_PAGE,
            (after, count) -> service.after(labelled, after, count), BY_NAME::name, BY_NAME::after));
  }

  private void create(RoutingContext ctx) {
    JsonObject body = RequestBody.object(ctx);
    String name = Check.text(NAME, body.getValue(NAME), Check.Text.required(MAX_NAME).asChosenName());
    String description = Check.text(DESCRIPTION, body.getValue(DESCRIPTION),
        Check.Text.optional(MAX_DESCRIPTION).orBlank());
    String toml = toml(body);
    String template = Check.text(TEMPLATE, body.getValue(TEMPLATE), Check.Text.optional(MAX_NAME));
    String heartbeatUrl = Check.text(HEARTBEAT_URL, body.getValue(HEARTBEAT_URL), Check.Text.optional(MAX_URL));
    HostAndPort authority = ctx.request().authority();
    String alias = Alias.check(body.getValue(Alias.FIELD));
    ConfigService.NewConfig config = new ConfigService.NewConfig(name, description == null ? "" : description,
        InitialToml.of(toml, template, heartbeatUrl, authority == null ? null : authority.host(), heartbeatPort),
        alias);
    respond(ctx, 201, service.create(Authenticator.principal(ctx), config, RequestOrigin.of(ctx)));
  }

  private void update(RoutingContext ctx) {
    JsonObject body = RequestBody.object(ctx);
    for (String field : new String[] {TEMPLATE, HEARTBEAT_URL}) {
      if (body.containsKey(field)) {
        throw new Invalid(field, field + " is only accepted when a config is created");
      }
    }
    RequestBody.refuseNulls(body, NAME, DESCRIPTION, TOML);
    ConfigRepository.Changes changes = new ConfigRepository.Changes(
        Check.text(NAME, body.getValue(NAME), Check.Text.optional(MAX_NAME).asChosenName()),
        Check.text(DESCRIPTION, body.getValue(DESCRIPTION), Check.Text.optional(MAX_DESCRIPTION).orBlank()),
        toml(body), Alias.change(body));
    String note = note(body);
    respond(ctx, 200, service.update(Authenticator.principal(ctx), ctx.pathParam("id"), changes, note,
        RequestOrigin.of(ctx)));
  }

  private void versions(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    BiFunction<Integer, Integer, Future<Page<JsonObject, Integer>>> pages = (before, count) -> service
        .versions(id, before, count).map(page -> page.map(ConfigVersion::toJson));
    StreamedListing.<Integer, Integer>answer(ctx, listings, "versions",
        before -> pages.apply(before, ConfigService.VERSIONS_PAGE), new StreamedListing.ByCursor<>(
            ConfigService.VERSIONS_PAGE, pages, ConfigRoutes::versionsBelow, ConfigRoutes::cursorBelow));
  }

  /** The version a cursor of a config's versions stands for: its pages go on below it. */
  private static Integer versionsBelow(String text) {
    long before = Cursor.number(Cursor.decode(text, Cursor.NOT_ONE), "v", Cursor.NOT_ONE);
    if (before < 1 || before > Integer.MAX_VALUE) {
      throw Cursor.invalid(Cursor.NOT_ONE);
    }
    return Cursor.exact(text, (int) before, cursorBelow((int) before), Cursor.NOT_ONE);
  }

  /** The cursor of the versions below this one. */
  private static String cursorBelow(Integer version) {
    return Cursor.encode(new JsonObject().put("v", version));
  }

  private void diff(RoutingContext ctx) {
    int a = versionNumber(ctx.pathParam("a"));
    int b = versionNumber(ctx.pathParam("b"));
    // Its place is kept until the diff has been written: a client that does not read holds it, not more.
    diffs.run(ctx, () -> service.diff(ctx.pathParam("id"), a, b).compose(diff -> ctx.response().setStatusCode(200)
            .putHeader(HttpHeaders.CONTENT_TYPE, DIFF_CONTENT_TYPE)
            .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
            .end(Buffer.buffer(diff, StandardCharsets.UTF_8.name()))))
        .onFailure(failure -> {
          if (!ctx.response().ended()) {
            ctx.fail(failure);
          }
        });
  }

  /** The body is optional: {@code {"note"}}, else the note says which version was restored. */
  private void rollback(RoutingContext ctx) {
    String note = null;
    if (ctx.body() != null && ctx.body().length() > 0) {
      note = note(RequestBody.object(ctx));
    }
    service.rollback(Authenticator.principal(ctx), ctx.pathParam("id"), versionNumber(ctx.pathParam("n")), note,
            RequestOrigin.of(ctx))
        .onSuccess(version -> Responses.json(ctx, 201, version.toJson()))
        .onFailure(ctx::fail);
  }

  private void prune(RoutingContext ctx) {
    String keepLatest = QueryParams.of(ctx).get(KEEP_LATEST);
    if (keepLatest == null || keepLatest.isEmpty()) {
      throw new Invalid(KEEP_LATEST, KEEP_LATEST + " is required: how many of the newest versions to keep");
    }
    int keep = Check.limit(KEEP_LATEST, keepLatest, 1, MAX_KEEP_LATEST);
    service.prune(Authenticator.principal(ctx), ctx.pathParam("id"), keep, RequestOrigin.of(ctx))
        .onSuccess(deleted -> Responses.json(ctx, 200, new JsonObject().put("deleted", deleted)))
        .onFailure(ctx::fail);
  }

  /** A version number from the path; anything but a positive integer names no version (404). */
  private static int versionNumber(String text) {
    try {
      int n = Integer.parseInt(text);
      if (n >= 1) {
        return n;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw new NotFound("No such version: " + text);
  }

  private static String note(JsonObject body) {
    return Check.text(NOTE, body.getValue(NOTE), Check.Text.optional(MAX_NOTE).orBlank());
  }

  /** The TOML exactly as sent (empty allowed), within the size limit; null when absent. */
  private static String toml(JsonObject body) {
    String toml = Check.text(TOML, body.getValue(TOML), Check.Text.optional(Integer.MAX_VALUE).orBlank());
    if (toml != null) {
      TomlSize.require(toml);
    }
    return toml;
  }

  private void respond(RoutingContext ctx, int status, Future<Config> config) {
    config.compose(service::record).onSuccess(json -> Responses.json(ctx, status, json)).onFailure(ctx::fail);
  }
}
