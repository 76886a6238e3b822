package io.heartgate.http;

import io.heartgate.settings.TrustedProxies;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpServerRequest;

/**
 * The session cookie: its name, its attributes, and which one a request is read by. Never readable by scripts,
 * never sent cross-site, {@code Secure} when the client used HTTPS. Under HTTPS it is named with the {@code __Host-}
 * prefix, which a browser takes only from this very host, {@code Secure}, for the path {@code /} and no domain: a
 * page of a neighbouring subdomain cannot plant a session of its choosing in an operator's browser (cookie tossing),
 * and a cookie without the prefix is not read there. Over plain HTTP nothing can keep a neighbour's cookie out.
 */
public final class SessionCookie {
  public static final String NAME = "heartgate_session";
  public static final String HOST_ONLY = "__Host-" + NAME;

  private SessionCookie() {
  }

  /** A cookie carrying the session's value, for the scheme the client used; Max-Age is the caller's to set. */
  public static Cookie of(HttpServerRequest request, TrustedProxies proxies, String value) {
    boolean secure = PublicOrigin.secure(request, proxies);
    return Cookie.cookie(secure ? HOST_ONLY : NAME, value).setPath("/").setHttpOnly(true)
        .setSameSite(CookieSameSite.LAX).setSecure(secure);
  }

  /**
   * The session the request carries, or null: the host-only cookie wherever it comes (it cannot have been planted);
   * without it, the plain one, but never under HTTPS, where this gateway sets only the host-only one.
   */
  public static String value(HttpServerRequest request, TrustedProxies proxies) {
    Cookie cookie = request.getCookie(HOST_ONLY);
    if (cookie == null && !PublicOrigin.secure(request, proxies)) {
      cookie = request.getCookie(NAME);
    }
    return cookie == null || cookie.getValue().isEmpty() ? null : cookie.getValue();
  }
}
