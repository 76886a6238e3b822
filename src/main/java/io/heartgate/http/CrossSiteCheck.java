package io.heartgate.http;

import io.heartgate.core.Forbidden;
import io.heartgate.settings.TrustedProxies;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Set;

/**
 * Refuses a state-changing request that a browser sent from another site with the session cookie attached
 * (cross-site request forgery). Browsers say where a request comes from: {@code Sec-Fetch-Site} when they send it,
 * else {@code Origin}; a request with neither is not a browser's (a script, curl) and passes, and so does anything
 * authenticated by a token, which a browser never attaches by itself.
 */
final class CrossSiteCheck {
  private static final Set<HttpMethod> STATE_CHANGING = Set.of(HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH,
      HttpMethod.DELETE);
  private static final Set<String> SAME_SITE_FETCHES = Set.of("same-origin", "none");

  private CrossSiteCheck() {
  }

  /** The refusal for a cookie-authenticated request from another site, or null when it may go on. */
  static Forbidden refusal(HttpServerRequest request, TrustedProxies proxies) {
    if (!STATE_CHANGING.contains(request.method())) {
      return null;
    }
    // No browser sends either header twice: such a request is not trusted on the first one's word.
    if (request.headers().getAll("Sec-Fetch-Site").size() > 1 || request.headers().getAll("Origin").size() > 1) {
      return refused();
    }
    String fetchSite = request.getHeader("Sec-Fetch-Site");
    if (fetchSite != null) {
      return SAME_SITE_FETCHES.contains(fetchSite.strip()) ? null : refused();
    }
    String origin = request.getHeader("Origin");
    if (origin == null) {
      return null;
    }
    String own = PublicOrigin.of(request, proxies);
    return own != null && own.equals(normalized(origin)) ? null : refused();
  }

  private static String normalized(String origin) {
    try {
      URI uri = new URI(origin.strip());
      return uri.getScheme() == null || uri.getHost() == null ? null
          : PublicOrigin.normalized(uri.getScheme(), uri.getHost(), uri.getPort());
    } catch (URISyntaxException e) {
      return null;
    }
  }

  private static Forbidden refused() {
    return new Forbidden("csrf_rejected",
        "Cross-site request refused: a request with the session cookie must come from the gateway's own pages");
  }
}
