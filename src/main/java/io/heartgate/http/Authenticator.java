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
import io.heartgate.settings.TrustedProxies;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;
import java.util.function.Function;

/**
 * Authenticates a request (a token in {@code Authorization: Bearer|Token …}, or a session cookie) and
 * checks the permission its route needs, from the headers alone; only then is the body read (within the node's
 * {@link BodyBudget}), so an unauthenticated client never gets a byte of its body buffered. One SHA-256 here; a
 * usable grant is read from the verifier's cache without a hop, anything else goes to the verifier over the
 * event bus. A state-changing request that a session cookie authenticates must pass the {@link CrossSiteCheck}.
 */
public final class Authenticator {
  private static final String PRINCIPAL = "heartgate.principal";
  /** Request bodies of the JSON API and heartbeats, once the caller is known; larger ones get 413. */
  public static final long BODY_LIMIT = 1024 * 1024;
  /** Bodies of the public routes (setup, login): a user name and a password. */
  static final long PUBLIC_BODY_LIMIT = 16 * 1024;

  private final Vertx vertx;
  private final CachedGrants grants;
  private final Set<AuthGroup> disabledGroups;
  private final Function<String, Future<Principal>> sessions;
  private final TrustedProxies proxies;
  private final Handler<RoutingContext> body;
  private final Handler<RoutingContext> publicBody;

  /**
   * @param grants the verifier's view of its cache, read for usable grants on the request's own thread
   * @param sessions resolves a session cookie's value to its user, or fails with a 401
   * @param bodies the node's budget of buffered request bodies
   * @param proxies whose forwarded scheme and host count when telling the gateway's own origin
   */
  public Authenticator(Vertx vertx, CachedGrants grants, Set<AuthGroup> disabledGroups,
      Function<String, Future<Principal>> sessions, BodyBudget bodies, TrustedProxies proxies) {
    this.vertx = vertx;
    this.grants = grants;
    this.disabledGroups = Set.copyOf(disabledGroups);
    this.sessions = sessions;
    this.proxies = proxies;
    this.body = bodies.reader(BODY_LIMIT);
    this.publicBody = bodies.reader(PUBLIC_BODY_LIMIT);
  }

  /** The caller of a request that passed one of this class's handlers. */
  public static Principal principal(RoutingContext ctx) {
    return ctx.get(PRINCIPAL);
  }

  /** Any authenticated caller; then the body. */
  public Handler<RoutingContext> authenticated() {
    return admit();
  }

  /** A caller holding the permission; then the body. */
  public Handler<RoutingContext> require(String permission) {
    return admit(permission);
  }

  /** A caller holding the permission, unless the operator disabled authentication for the group; then the body. */
  public Handler<RoutingContext> require(AuthGroup group, String permission) {
    return disabledGroups.contains(group) ? anonymous(permission) : admit(permission);
  }

  /**
   * A caller holding both permissions (assigning a label needs write on the target and {@code labels:read});
   * anonymous only when the operator disabled authentication for both groups. Then the body.
   */
  public Handler<RoutingContext> require(AuthGroup group, String permission, AuthGroup otherGroup,
      String otherPermission) {
    return disabledGroups.contains(group) && disabledGroups.contains(otherGroup)
        ? anonymous(permission, otherPermission) : admit(permission, otherPermission);
  }

  /**
   * Any caller, whose permission the route checks itself (one path serving objects that need different ones);
   * anonymous, holding {@code anonymousPermissions}, when the operator disabled authentication for the group.
   * Then the body.
   */
  public Handler<RoutingContext> authenticated(AuthGroup group, String... anonymousPermissions) {
    return disabledGroups.contains(group) ? anonymous(anonymousPermissions) : admit();
  }

  /**
   * A public route (first-owner setup, login): no credentials, and a body no larger than a login needs. A browser
   * that says it comes from another site is refused as a cookie's change would be: a page elsewhere must not sign its
   * visitor in to an account of its choosing, nor claim a new gateway's owner (browsers also ask before sending JSON
   * across sites; this does not count on it).
   */
  public Handler<RoutingContext> open() {
    return ctx -> {
      Forbidden crossSite = CrossSiteCheck.refusal(ctx.request(), proxies);
      if (crossSite != null) {
        ctx.fail(crossSite);
      } else {
        publicBody.handle(ctx);
      }
    };
  }

  /** Anyone, as a caller holding the permissions: the operator disabled authentication for their group. */
  private Handler<RoutingContext> anonymous(String... permissions) {
    Principal anonymous = Principal.anonymous(Set.of(permissions));
    return ctx -> {
      ctx.put(PRINCIPAL, anonymous);
      body.handle(ctx);
    };
  }

  /** A caller holding every one of the permissions (none: any caller); then the body. */
  private Handler<RoutingContext> admit(String... permissions) {
    return ctx -> authenticate(ctx).onSuccess(principal -> {
      for (String permission : permissions) {
        if (!principal.has(permission)) {
          ctx.fail(new Forbidden("missing permission " + permission));
          return;
        }
      }
      ctx.put(PRINCIPAL, principal);
      body.handle(ctx);
    }).onFailure(ctx::fail);
  }

  private Future<Principal> authenticate(RoutingContext ctx) {
    String header = ctx.request().getHeader("Authorization");
    if (header != null) {
      return token(header).compose(this::verify);
    }
    String session = SessionCookie.value(ctx.request(), proxies);
    if (session != null) {
      Forbidden crossSite = CrossSiteCheck.refusal(ctx.request(), proxies);
      return crossSite != null ? Future.failedFuture(crossSite) : sessions.apply(session);
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
