package io.heartgate.configgroups;

import io.heartgate.configs.Alias;
import io.heartgate.configs.TomlDownload;
import io.heartgate.core.Check;
import io.heartgate.core.Cursor;
import io.heartgate.core.IdSnapshot;
import io.heartgate.core.Invalid;
import io.heartgate.http.Authenticator;
import io.heartgate.http.InFlightLimit;
import io.heartgate.http.RequestBody;
import io.heartgate.http.RequestOrigin;
import io.heartgate.http.Responses;
import io.heartgate.http.Routes;
import io.heartgate.http.StreamedListing;
import io.heartgate.settings.AuthGroup;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * HTTP ↔ JSON for {@code /api/config-groups} (always authenticated: config groups are not one of the groups an
 * operator can open), the group's TOML download ({@code configs} authentication group, as a config's), and the
 * short link {@code /c/{alias}} for a config or a group.
 */
public final class ConfigGroupRoutes implements Routes {
  private static final Cursor.ByName BY_NAME = new Cursor.ByName("configGroups");
  private static final int MAX_NAME = 255;
  private static final int MAX_DESCRIPTION = 4096;
  /** Members per group: every save parses all of them together. */
  private static final int MAX_MEMBERS = 100;
  private static final String NAME = "name";
  private static final String DESCRIPTION = "description";
  private static final String MEMBERS = "configIds";
  private static final String ID = "idOrAlias";

  private final ConfigGroupService service;
  private final Authenticator auth;
  /** The node's listings, built a few at a time (see {@link InFlightLimit}). */
  private final InFlightLimit listings;
  private final TomlDownload downloads;

  /** @param downloads writes and counts the TOML downloads, as for a single config */
  public ConfigGroupRoutes(ConfigGroupService service, Authenticator auth, TomlDownload downloads,
      InFlightLimit listings) {
    this.service = service;
    this.auth = auth;
    this.downloads = downloads;
    this.listings = listings;
  }

  @Override
  public void mount(Router router) {
    router.get("/api/config-groups").handler(auth.require("config-groups:read")).handler(this::list);
    router.post("/api/config-groups").handler(auth.require("config-groups:write")).handler(this::create);
    router.get("/api/config-groups/:idOrAlias").handler(auth.require("config-groups:read")).handler(ctx ->
        service.get(ctx.pathParam(ID))
            .onSuccess(group -> Responses.json(ctx, 200, group.toJson()))
            .onFailure(ctx::fail));
    router.patch("/api/config-groups/:idOrAlias").handler(auth.require("config-groups:write"))
        .handler(this::update);
    router.delete("/api/config-groups/:idOrAlias").handler(auth.require("config-groups:delete")).handler(ctx ->
        service.delete(Authenticator.principal(ctx), ctx.pathParam(ID), RequestOrigin.of(ctx))
            .onSuccess(ignored -> Responses.noContent(ctx))
            .onFailure(ctx::fail));
    downloads.mount(router, "/api/config-groups/:idOrAlias/toml",
        auth.require(AuthGroup.CONFIGS, ConfigGroupService.READ_GROUPS),
        (ctx, query) -> service.render(ctx.pathParam(ID), query));
    // One path for either kind: the permission depends on what the alias names, so the service checks it.
    downloads.mount(router, "/c/:alias", auth.authenticated(AuthGroup.CONFIGS, ConfigGroupService.READ_CONFIGS,
            ConfigGroupService.READ_GROUPS),
        (ctx, query) -> service.renderAlias(Authenticator.principal(ctx), ctx.pathParam("alias"), query));
  }

  private void list(RoutingContext ctx) {
    StreamedListing.<IdSnapshot, String>answer(ctx, listings, "configGroups",
        at -> service.page(at).map(page -> page.map(ConfigGroup::toJson)),
        new StreamedListing.ByCursor<>(ConfigGroupService.LISTING_PAGE, (after, count) -> service.after(after, count)
            .map(page -> page.map(ConfigGroup::toJson)), BY_NAME::name, BY_NAME::after));
  }

  private void create(RoutingContext ctx) {
    JsonObject body = RequestBody.object(ctx);
    String name = Check.text(NAME, body.getValue(NAME), Check.Text.required(MAX_NAME).asChosenName());
    String description = Check.text(DESCRIPTION, body.getValue(DESCRIPTION),
        Check.Text.optional(MAX_DESCRIPTION).orBlank());
    String alias = Alias.check(body.getValue(Alias.FIELD));
    List<String> members = members(body);
    ConfigGroupService.NewGroup group = new ConfigGroupService.NewGroup(name, description == null ? "" : description,
        alias, members == null ? List.of() : members);
    service.create(Authenticator.principal(ctx), group, RequestOrigin.of(ctx))
        .onSuccess(created -> Responses.json(ctx, 201, created.toJson()))
        .onFailure(ctx::fail);
  }

  private void update(RoutingContext ctx) {
    JsonObject body = RequestBody.object(ctx);
    RequestBody.refuseNulls(body, NAME, DESCRIPTION, MEMBERS);
    ConfigGroupRepository.Changes changes = new ConfigGroupRepository.Changes(
        Check.text(NAME, body.getValue(NAME), Check.Text.optional(MAX_NAME).asChosenName()),
        Check.text(DESCRIPTION, body.getValue(DESCRIPTION), Check.Text.optional(MAX_DESCRIPTION).orBlank()),
        Alias.change(body), members(body), 0);
    service.update(Authenticator.principal(ctx), ctx.pathParam(ID), changes, RequestOrigin.of(ctx))
        .onSuccess(updated -> Responses.json(ctx, 200, updated.toJson()))
        .onFailure(ctx::fail);
  }

  /** The ordered member ids, at most {@link #MAX_MEMBERS}; null when absent. */
  private static List<String> members(JsonObject body) {
    List<String> ids = RequestBody.strings(body, MEMBERS, false);
    if (ids != null && ids.size() > MAX_MEMBERS) {
      throw new Invalid(MEMBERS, MEMBERS + " must hold at most " + MAX_MEMBERS + " configs");
    }
    return ids;
  }
}
