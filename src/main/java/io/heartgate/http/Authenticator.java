package io.heartgate.http;

import io.heartgate.auth.CachedGrants;
import io.heartgate.auth.Grant;
import io.heartgate.auth.Principal;
import io.heartgate.auth.Refusals;
import io.heartgate.auth.TokenFormat;
import io.heartgate.bus.Addresses;
import io.heartgate.core.Forbidden;
import io.heartgate.core.Unauthorized;
import io.heartgate.settings.AuthGroup;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.Cookie;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;
import java.util.function.Function;

/**
 * Authenticates a request (a token in {@code Authorization: Bearer|Token …}, or a session cookie) and
 * checks the permission its route needs. One SHA-256 here; a usable grant is read from the verifier's cache
 * without a hop, anything else goes to the verifier over the event bus.
 */
public final class Authenticator {
  private static final String PRINCIPAL = "heartgate.principal";

  private final Vertx vertx;
  private final CachedGrants grants;
  private final Set<AuthGroup> disabledGroups;
  private final String sessionCookie;
  private final Function<String, Future<Principal>> sessions;

  /**
   * @param grants the verifier's view of its cache, read for usable grants on the request's own thread
   * @param sessionCookie name of the session cookie
   * @param sessions resolves a session cookie's value to its user, or fails with a 401
   */
  public Authenticator(Vertx vertx, CachedGrants grants, Set<AuthGroup> disabledGroups, String sessionCookie,
      Function<String, Future<Principal>> sessions) {
    this.vertx = vertx;
    this.grants = grants;
    this.disabledGroups = Set.copyOf(disabledGroups);
    this.sessionCookie = sessionCookie;
    this.sessions = sessions;
  }

  /** The caller of a request that passed one of this class's handlers. */
  public static Principal principal(RoutingContext ctx) {
    return ctx.get(PRINCIPAL);
  }

  /** Any authenticated caller. */
  public Handler<RoutingContext> authenticated() {
    return ctx -> authenticate(ctx).onSuccess(principal -> {
      ctx.put(PRINCIPAL, principal);
      ctx.next();
    }).onFailure(ctx::fail);
  }

  /** A caller holding the permission. */
  public Handler<RoutingContext> require(String permission) {
    return ctx -> authenticate(ctx).onSuccess(principal -> {
      if (!principal.has(permission)) {
        ctx.fail(new Forbidden("missing permission " + permission));
        return;
      }
      ctx.put(PRINCIPAL, principal);
      ctx.next();
    }).onFailure(ctx::fail);
  }

  /** A caller holding the permission, unless the operator disabled authentication for the group. */
  public Handler<RoutingContext> require(AuthGroup group, String permission) {
    if (disabledGroups.contains(group)) {
      return ctx -> {
        ctx.put(PRINCIPAL, Principal.anonymous(Set.of(permission)));
        ctx.next();
      };
    }
    return require(permission);
  }

  private Future<Principal> authenticate(RoutingContext ctx) {
    String header = ctx.request().getHeader("Authorization");
    if (header != null) {
      return token(header).compose(this::verify);
    }
    Cookie cookie = ctx.request().getCookie(sessionCookie);
    if (cookie != null && !cookie.getValue().isEmpty()) {
      return sessions.apply(cookie.getValue());
    }
    return Future.failedFuture(new Unauthorized(Refusals.MISSING_HEADER));
  }

  /** The token of {@code Bearer <token>} or {@code Token <token>}, scheme case-insensitive. */
  static Future<String> token(String header) {
    String trimmed = header.strip();
    int space = trimmed.indexOf(' ');
    if (space < 0) {
      return Future.failedFuture(new Unauthorized(Refusals.MISSING_HEADER));
    }
    String scheme = trimmed.substring(0, space);
    String value = trimmed.substring(space + 1).strip();
    if (!(scheme.equalsIgnoreCase("Bearer") || scheme.equalsIgnoreCase("Token")) || value.isEmpty()) {
      return Future.failedFuture(new Unauthorized(Refusals.MISSING_HEADER));
    }
    if (!TokenFormat.isWellFormed(value)) {
      return Future.failedFuture(new Unauthorized(Refusals.INVALID_FORMAT));
    }
    return Future.succeededFuture(value);
  }

  /** A cached, usable grant is read here; anything else (miss, unknown, expired) is the verifier's to answer. */
  private Future<Principal> verify(String token) {
    String hash = TokenFormat.hash(token);
    Grant cached = grants.usable(hash);
    if (cached != null) {
      return Future.succeededFuture(Principal.of(cached));
    }
    return vertx.eventBus().<Grant>request(Addresses.AUTH_VERIFY, hash).map(reply -> Principal.of(reply.body()));
  }
}
