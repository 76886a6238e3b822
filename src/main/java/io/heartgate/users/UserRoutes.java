package io.heartgate.users;

import io.heartgate.auth.Permissions;
import io.heartgate.auth.Principal;
import io.heartgate.auth.Role;
import io.heartgate.core.Invalid;
import io.heartgate.http.Authenticator;
import io.heartgate.http.RequestBody;
import io.heartgate.http.RequestOrigin;
import io.heartgate.http.Responses;
import io.heartgate.http.Routes;
import io.heartgate.http.SessionCookie;
import io.heartgate.settings.TrustedProxies;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/** HTTP ↔ JSON for {@code /api/auth/*} and {@code /api/users}. */
public final class UserRoutes implements Routes {
  private final UserService service;
  private final SessionService sessions;
  private final Authenticator auth;
  /** Whose X-Forwarded-For names the client (for the login limits) and whose X-Forwarded-Proto says HTTPS. */
  private final TrustedProxies proxies;

  public UserRoutes(UserService service, SessionService sessions, Authenticator auth, TrustedProxies proxies) {
    this.service = service;
    this.sessions = sessions;
    this.auth = auth;
    this.proxies = proxies;
  }

  @Override
  public void mount(Router router) {
    router.get("/api/auth/status").handler(ctx -> service.ownerExists()
        .onSuccess(exists -> Responses.json(ctx, 200, new JsonObject().put("setupRequired", !exists)
            .put("providers", new JsonArray().add("local"))))
        .onFailure(ctx::fail));
    router.post("/api/auth/setup").handler(auth.open()).handler(ctx -> {
      JsonObject body = RequestBody.object(ctx);
      loginWith(ctx, service.setup(username(body), password(body), RequestOrigin.of(ctx)), 201);
    });
    router.post("/api/auth/login/local").handler(auth.open()).handler(ctx -> {
      JsonObject body = RequestBody.object(ctx);
      loginWith(ctx, service.login(username(body), password(body), RequestOrigin.of(ctx)), 200);
    });
    router.post("/api/auth/logout").handler(auth.authenticated()).handler(this::logout);
    router.get("/api/auth/me").handler(auth.authenticated()).handler(this::me);

    router.get("/api/users").handler(auth.require("users:read")).handler(ctx -> service.list()
        .onSuccess(users -> Responses.json(ctx, 200, new JsonObject().put("users",
            new JsonArray(users.stream().map(User::toJson).toList()))))
        .onFailure(ctx::fail));
    router.post("/api/users").handler(auth.require("users:write")).handler(this::create);
    router.get("/api/users/:id").handler(auth.require("users:read")).handler(ctx ->
        respond(ctx, 200, service.get(ctx.pathParam("id"))));
    router.patch("/api/users/:id").handler(auth.require("users:write")).handler(this::update);
    router.delete("/api/users/:id").handler(auth.require("users:delete")).handler(ctx ->
        service.delete(Authenticator.principal(ctx), ctx.pathParam("id"), RequestOrigin.of(ctx))
            .onSuccess(ignored -> Responses.noContent(ctx))
            .onFailure(ctx::fail));
  }

  private void loginWith(RoutingContext ctx, Future<User> user, int status) {
    user.compose(u -> sessions.open(u).map(cookie -> {
      ctx.response().addCookie(SessionCookie.of(ctx.request(), proxies, cookie)
          .setMaxAge(SessionService.LIFETIME_MS / 1000));
      return u;
    })).onSuccess(u -> Responses.json(ctx, status, u.toJson())).onFailure(ctx::fail);
  }

  private void logout(RoutingContext ctx) {
    service.logout(Authenticator.principal(ctx), SessionCookie.value(ctx.request(), proxies), RequestOrigin.of(ctx))
        .onSuccess(ignored -> {
          if (!Responses.answered(ctx)) {
            ctx.response().addCookie(SessionCookie.of(ctx.request(), proxies, "").setMaxAge(0));
            Responses.noContent(ctx);
          }
        }).onFailure(ctx::fail);
  }

  private void me(RoutingContext ctx) {
    Principal principal = Authenticator.principal(ctx);
    service.get(principal.userId()).onSuccess(user -> Responses.json(ctx, 200, new JsonObject()
        .put("user", user.toJson())
        .put("role", principal.role().wireName())
        .put("permissions", new JsonArray(List.copyOf(Permissions.inOrder(principal.permissions()))))
        .put("tokenId", principal.tokenId())))
        .onFailure(ctx::fail);
  }

  private void create(RoutingContext ctx) {
    JsonObject body = RequestBody.object(ctx);
    Role role = role(body, true);
    respond(ctx, 201, service.create(Authenticator.principal(ctx), username(body), password(body), role,
        RequestOrigin.of(ctx)));
  }

  private void update(RoutingContext ctx) {
    JsonObject body = RequestBody.object(ctx);
    Role role = role(body, false);
    String status = RequestBody.string(body, "status", false, 16);
    if (status != null && !status.equals(User.ACTIVE) && !status.equals(User.DISABLED)) {
      throw new Invalid("status", "status must be active or disabled");
    }
    String password = RequestBody.string(body, "password", false, PasswordRules.MAX_LENGTH);
    Principal actor = Authenticator.principal(ctx);
    respond(ctx, 200, service.update(actor, ctx.pathParam("id"), role, status, password, keptSession(ctx, actor),
        RequestOrigin.of(ctx)));
  }

  /** The session that makes a change, which a password change lets live; null when a token makes it. */
  private String keptSession(RoutingContext ctx, Principal actor) {
    return actor.tokenId() == null ? SessionCookie.value(ctx.request(), proxies) : null;
  }

  private static String username(JsonObject body) {
    return RequestBody.string(body, "username", true, 64);
  }

  private static String password(JsonObject body) {
    return RequestBody.string(body, "password", true, PasswordRules.MAX_LENGTH);
  }

  private static Role role(JsonObject body, boolean required) {
    String name = RequestBody.string(body, "role", required, 32);
    if (name == null) {
      return null;
    }
    return Role.byWireName(name).orElseThrow(() -> new Invalid("role",
        "role must be one of owner, administrator, manager, viewer"));
  }

  private static void respond(RoutingContext ctx, int status, Future<User> user) {
    user.onSuccess(u -> Responses.json(ctx, status, u.toJson())).onFailure(ctx::fail);
  }
}
