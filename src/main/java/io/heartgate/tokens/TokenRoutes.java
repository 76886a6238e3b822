package io.heartgate.tokens;

import io.heartgate.auth.Permissions;
import io.heartgate.auth.Principal;
import io.heartgate.auth.TokenFormat;
import io.heartgate.core.Check;
import io.heartgate.core.Conflict;
import io.heartgate.core.Forbidden;
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
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;

/** HTTP ↔ JSON for {@code /api/tokens}. */
public final class TokenRoutes implements Routes {
  private static final int MAX_BULK = 1000;
  /** Tokens read at a time for a listing: a few hundred bytes each. */
  private static final int LISTING_PAGE = 500;

  private final TokenService service;
  private final Authenticator auth;
  /** The node's listings, built a few at a time (see {@link InFlightLimit}). */
  private final InFlightLimit listings;
  /** Says whether a token shown is {@code expired}. */
  private final Clock clock;

  public TokenRoutes(TokenService service, Authenticator auth, Clock clock, InFlightLimit listings) {
    this.service = service;
    this.auth = auth;
    this.clock = clock;
    this.listings = listings;
  }

  @Override
  public void mount(Router router) {
    router.post("/api/tokens/bulk/revoke").handler(auth.require("tokens:write")).handler(ctx -> bulk(ctx,
        id -> service.revoke(Authenticator.principal(ctx), id, RequestOrigin.of(ctx)).mapEmpty()));
    router.post("/api/tokens/bulk/delete").handler(auth.require("tokens:delete")).handler(ctx -> bulk(ctx,
        id -> service.delete(Authenticator.principal(ctx), id, RequestOrigin.of(ctx))));
    router.post("/api/tokens/bulk/reassign").handler(auth.require("tokens:write")).handler(this::bulkReassign);
    router.post("/api/tokens").handler(auth.require("tokens:write")).handler(this::create);
    router.get("/api/tokens").handler(auth.require("tokens:read")).handler(this::list);
    router.get("/api/tokens/:id").handler(auth.require("tokens:read")).handler(ctx ->
        respond(ctx, service.visible(Authenticator.principal(ctx), ctx.pathParam("id"))));
    router.post("/api/tokens/:id/revoke").handler(auth.require("tokens:write")).handler(ctx ->
        respond(ctx, service.revoke(Authenticator.principal(ctx), ctx.pathParam("id"), RequestOrigin.of(ctx))));
    router.post("/api/tokens/:id/reassign").handler(auth.require("tokens:write")).handler(ctx -> {
      String userId = RequestBody.string(RequestBody.object(ctx), "userId", true, 255);
      respond(ctx, service.reassign(Authenticator.principal(ctx), ctx.pathParam("id"), userId, RequestOrigin.of(ctx)));
    });
    router.delete("/api/tokens/:id").handler(auth.require("tokens:delete")).handler(ctx ->
        service.delete(Authenticator.principal(ctx), ctx.pathParam("id"), RequestOrigin.of(ctx))
            .onSuccess(ignored -> Responses.noContent(ctx))
            .onFailure(ctx::fail));
  }

  private void create(RoutingContext ctx) {
    JsonObject body = RequestBody.object(ctx);
    String name = RequestBody.string(body, "name", true, TokenService.MAX_NAME);
    List<String> list = null;
    String preset = null;
    Object permissions = body.getValue("permissions");
    if (permissions instanceof String presetName) {
      if (!Permissions.isPreset(presetName)) {
        throw new Invalid("permissions", "unknown preset " + presetName + "; expected one of "
            + String.join(", ", Permissions.PRESETS) + " or an array of permissions");
      }
      preset = presetName;
    } else if (permissions != null) {
      list = RequestBody.strings(body, "permissions", false);
    }
    String expiresText = RequestBody.string(body, "expiresAt", false, 64);
    Long expiresAt = expiresText == null ? null : Check.time("expiresAt", expiresText).toEpochMilli();
    String raw = RequestBody.string(body, "rawToken", false, 128);
    if (raw != null && !TokenFormat.isWellFormed(raw)) {
      throw new Invalid("rawToken", "Invalid token format: rawToken must be tc-apiv1_ followed by 64 "
          + "lowercase hex characters");
    }
    service.create(Authenticator.principal(ctx), new TokenService.CreateRequest(name, list, preset, expiresAt, raw),
            RequestOrigin.of(ctx))
        .onSuccess(created -> Responses.json(ctx, 201,
            created.token().toJson(clock.millis()).put("token", created.value())
                .put("droppedPermissions", new JsonArray(List.copyOf(created.droppedPermissions())))))
        .onFailure(ctx::fail);
  }

  /**
   * The whole listing, or one page of it (the console's way: a million tokens do not fit a browser); see
   * {@link StreamedListing}.
   */
  private void list(RoutingContext ctx) {
    String state = QueryParams.of(ctx).get("state");
    if (state != null && !state.equals(Token.ACTIVE) && !state.equals(Token.REVOKED)) {
      throw new Invalid("state", "state must be active or revoked");
    }
    String userId = QueryParams.of(ctx).get("userId");
    Principal actor = Authenticator.principal(ctx);
    BiFunction<TokenCursor, Integer, Future<Page<JsonObject, TokenCursor>>> pages =
        (after, count) -> service.page(actor, state, userId, after, count).map(this::json);
    StreamedListing.<TokenCursor, TokenCursor>answer(ctx, listings, "tokens",
        after -> pages.apply(after, LISTING_PAGE),
        new StreamedListing.ByCursor<>(LISTING_PAGE, pages, TokenCursor::decode, TokenCursor::encode));
  }

  private Page<JsonObject, TokenCursor> json(Page<Token, TokenCursor> page) {
    long now = clock.millis();
    return page.map(token -> token.toJson(now));
  }

  private void bulkReassign(RoutingContext ctx) {
    JsonObject body = RequestBody.object(ctx);
    String userId = RequestBody.string(body, "userId", true, 255);
    Principal actor = Authenticator.principal(ctx);
    bulk(ctx, body, id -> service.reassign(actor, id, userId, RequestOrigin.of(ctx)).mapEmpty());
  }

  private void bulk(RoutingContext ctx, Function<String, Future<Void>> action) {
    bulk(ctx, RequestBody.object(ctx), action);
  }

  /**
   * Runs the action for each id in turn; each gets ok, not_found or forbidden (the contract's three; a token whose
   * user changed while it was written, 409 alone, is not done either, and counts as forbidden).
   */
  private void bulk(RoutingContext ctx, JsonObject body, Function<String, Future<Void>> action) {
    List<String> ids = RequestBody.strings(body, "ids", true);
    if (ids.isEmpty() || ids.size() > MAX_BULK) {
      throw new Invalid("ids", "ids must hold 1 to " + MAX_BULK + " token ids");
    }
    List<JsonObject> results = new ArrayList<>();
    Future<Void> chain = Future.succeededFuture();
    for (String id : ids) {
      chain = chain.compose(ignored -> action.apply(id)
          .map("ok")
          .recover(e -> e instanceof NotFound || e instanceof Forbidden || e instanceof Conflict
              ? Future.succeededFuture(e instanceof NotFound ? "not_found" : "forbidden")
              : Future.failedFuture(e))
          .map(status -> {
            results.add(new JsonObject().put("id", id).put("status", status));
            return null;
          }));
    }
    chain.onSuccess(ignored -> Responses.json(ctx, 200, new JsonObject().put("results", new JsonArray(results))))
        .onFailure(ctx::fail);
  }

  private void respond(RoutingContext ctx, Future<Token> token) {
    token.onSuccess(t -> Responses.json(ctx, 200, t.toJson(clock.millis()))).onFailure(ctx::fail);
  }
}
