package io.heartgate.http;

import io.heartgate.settings.LogSetup;
import io.heartgate.settings.TrustedProxies;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The access log (ACCESS_LOG): one line per request the router sees, once its answer is sent, with the method,
 * the route pattern that answered ({@code /api/configs/:id/toml}, not the path with its ids), the status, the
 * duration and the client's address (behind a trusted proxy, the first X-Forwarded-For hop), as key-value pairs
 * that the JSON format writes as fields of their own. Never a header, a cookie or the query string. Mounted
 * ahead of every other handler only when the setting is on, so it costs nothing when off; a request refused before
 * any router saw it has its line too ({@link #refused}).
 */
final class AccessLog implements Handler<RoutingContext> {
  private static final Logger LOG = LoggerFactory.getLogger(LogSetup.ACCESS_LOGGER);
  /** The raw path is logged only when no route matched, cut to this many characters. */
  static final int RAW_PATH_LIMIT = 80;
  static final int METHOD_LIMIT = 16;
  /** Long runs of token-like characters in an unmatched path (a token pasted into a URL) are not logged. */
  private static final Pattern SECRET_LIKE = Pattern.compile("[A-Za-z0-9_%+=~.\\-]{24,}");
  static final String REDACTED = "[redacted]";

  private final Router router;
  private final TrustedProxies proxies;
  /** The router's routes, read on first need (after every route was mounted); one router, one event loop. */
  private List<Route> routes;

  AccessLog(Router router, TrustedProxies proxies) {
    this.router = router;
    this.proxies = proxies;
  }

  @Override
  public void handle(RoutingContext ctx) {
    long started = System.nanoTime();
    ctx.addEndHandler(ended -> log(ctx, started, ended.succeeded()));
    ctx.next();
  }

  private void log(RoutingContext ctx, long started, boolean answered) {
    double millis = Math.round((System.nanoTime() - started) / 1_000.0) / 1_000.0;
    // 0: the connection closed before the answer was complete.
    line(method(ctx.request().method().name()), route(ctx), ctx.request(),
        answered ? ctx.response().getStatusCode() : 0, millis, proxies);
  }

  /**
   * The line of a request answered before it reached a router (a malformed path or Host, a request line or headers
   * the decoder could not read), once its answer is on its way: the path as written, as for a request no route
   * matched ({@code -} for method and path when the request line itself was not read), and no duration (none was
   * measured).
   */
  static void refused(HttpServerRequest request, TrustedProxies proxies) {
    boolean lineRead = InvalidRequests.lineRead(request);
    String path = request.path();
    line(lineRead ? method(request.method().name()) : "-", lineRead && path != null ? raw(path) : "-",
        request, request.response().getStatusCode(), 0, proxies);
  }

  private static void line(String method, String route, HttpServerRequest request, int status, double millis,
      TrustedProxies proxies) {
    String client = RequestOrigin.clientAddress(request, proxies);
    LOG.atInfo()
        .addKeyValue("method", method)
        .addKeyValue("route", route)
        .addKeyValue("status", status)
        .addKeyValue("durationMs", millis)
        .addKeyValue("client", client)
        .log("{} {} {} {} ms {}", method, route, status, millis, client);
  }

  /**
   * The pattern of the route that answered. A failure is answered by the router's failure handler, which has no
   * path: then the first route whose pattern and method fit the request names it (an exact pattern before a
   * prefix one), and when none fits, the path itself, cut short, in printable ASCII and with token-like runs taken
   * out.
   */
  private String route(RoutingContext ctx) {
    Route current = ctx.currentRoute();
    if (current != null && current.getPath() != null) {
      return pattern(current);
    }
    String path = ctx.normalizedPath();
    String prefix = null;
    for (Route candidate : routes()) {
      if (candidate.getPath() == null || !allows(candidate, ctx.request())) {
        continue;
      }
      if (candidate.isExactPath()) {
        if (segmentsMatch(candidate.getPath(), path)) {
          return candidate.getPath();
        }
      } else if (prefix == null && startsWith(path, candidate.getPath())) {
        prefix = pattern(candidate);
      }
    }
    return prefix != null ? prefix : raw(path);
  }

  private List<Route> routes() {
    if (routes == null) {
      routes = List.copyOf(router.getRoutes());
    }
    return routes;
  }

  private static String pattern(Route route) {
    return route.isExactPath() ? route.getPath() : route.getPath() + "*";
  }

  private static boolean allows(Route route, HttpServerRequest request) {
    return route.methods() == null || route.methods().isEmpty() || route.methods().contains(request.method());
  }

  /** Vert.x's {@code /a/:id} form: a {@code :name} segment matches any non-empty segment, others match as is. */
  static boolean segmentsMatch(String pattern, String path) {
    String[] expected = pattern.split("/", -1);
    String[] actual = path.split("/", -1);
    if (expected.length != actual.length) {
      return false;
    }
    for (int i = 0; i < expected.length; i++) {
      boolean matches = expected[i].startsWith(":") ? !actual[i].isEmpty() : expected[i].equals(actual[i]);
      if (!matches) {
        return false;
      }
    }
    return true;
  }

  static boolean startsWith(String path, String prefix) {
    return path.startsWith(prefix) || (prefix.endsWith("/") && path.equals(prefix.substring(0, prefix.length() - 1)));
  }

  /**
   * The path as written: token-like runs taken out, every character but printable ASCII a {@code ?} (a C1 control
   * is an escape sequence or a line break to a terminal or a log tool), cut short.
   */
  static String raw(String path) {
    String shown = SECRET_LIKE.matcher(path).replaceAll(REDACTED);
    StringBuilder printable = new StringBuilder(Math.min(shown.length(), RAW_PATH_LIMIT) + 1);
    for (int i = 0; i < shown.length() && i < RAW_PATH_LIMIT; i++) {
      char c = shown.charAt(i);
      printable.append(c >= ' ' && c <= '~' ? c : '?');
    }
    return shown.length() <= RAW_PATH_LIMIT ? printable.toString() : printable + "…";
  }

  /** The method as written: an unknown one (HTTP allows any token) cut to {@value #METHOD_LIMIT} characters. */
  static String method(String name) {
    return name.length() <= METHOD_LIMIT ? name : name.substring(0, METHOD_LIMIT) + "…";
  }
}
