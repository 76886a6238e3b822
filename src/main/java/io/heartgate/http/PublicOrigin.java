package io.heartgate.http;

import io.heartgate.settings.TrustedProxies;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.HostAndPort;
import java.util.Locale;

/**
 * How the client reached the gateway: the scheme, host and port it used, as the request arrived or, when it came
 * through a trusted proxy, as that proxy forwarded them ({@code X-Forwarded-Proto}, {@code X-Forwarded-Host}).
 * Headers from any other peer are ignored: a client cannot claim to have used HTTPS.
 */
public final class PublicOrigin {
  private PublicOrigin() {
  }

  /** Whether the client used HTTPS (directly, or to a trusted proxy in front). */
  public static boolean secure(HttpServerRequest request, TrustedProxies proxies) {
    return scheme(request, proxies).equals("https");
  }

  /** {@code scheme://host:port} with the port always written; null when the request named no host. */
  public static String of(HttpServerRequest request, TrustedProxies proxies) {
    String host = null;
    int port = -1;
    if (fromProxy(request, proxies) && request.getHeader("X-Forwarded-Host") != null) {
      HostAndPort forwarded = HostAndPort.parseAuthority(first(request.getHeader("X-Forwarded-Host")), -1);
      if (forwarded != null) {
        host = forwarded.host();
        port = forwarded.port();
      }
    } else if (request.authority() != null) {
      host = request.authority().host();
      port = request.authority().port();
    }
    if (host == null || host.isEmpty()) {
      return null;
    }
    String scheme = scheme(request, proxies);
    return normalized(scheme, host, port);
  }

  /** The same {@code scheme://host:port} form for an origin such as {@code https://console.example}. */
  static String normalized(String scheme, String host, int port) {
    String lowerScheme = scheme.toLowerCase(Locale.ROOT);
    int effectivePort = port > 0 ? port : lowerScheme.equals("https") ? 443 : 80;
    String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    return lowerScheme + "://" + bare.toLowerCase(Locale.ROOT) + ":" + effectivePort;
  }

  private static String scheme(HttpServerRequest request, TrustedProxies proxies) {
    String forwarded = fromProxy(request, proxies) ? request.getHeader("X-Forwarded-Proto") : null;
    if (forwarded != null) {
      return first(forwarded).toLowerCase(Locale.ROOT);
    }
    return request.isSSL() ? "https" : "http";
  }

  private static boolean fromProxy(HttpServerRequest request, TrustedProxies proxies) {
    return request.remoteAddress() != null && proxies.trusts(request.remoteAddress().hostAddress());
  }

  /** The first of a comma list (a chain of proxies appends; the first is what the client used). */
  private static String first(String list) {
    int comma = list.indexOf(',');
    return (comma < 0 ? list : list.substring(0, comma)).strip();
  }
}
