package io.heartgate.http;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The router's methods, as HTTP asks of them (RFC 9110): HEAD wherever GET is served, with the same handlers (the
 * HTTP codec drops the body and keeps the headers GET would have; load balancers check health with it), and an
 * {@code Allow} header on a 405 naming the methods the path has.
 */
final class MethodsAllowed {
  private final List<Route> routes;

  private MethodsAllowed(List<Route> routes) {
    this.routes = routes;
  }

  /** Adds HEAD to every GET route of the router, once all of them are mounted. */
  static MethodsAllowed addHead(Router router) {
    for (Route route : router.getRoutes()) {
      Set<HttpMethod> methods = route.methods();
      if (methods != null && methods.contains(HttpMethod.GET) && !methods.contains(HttpMethod.HEAD)) {
        route.method(HttpMethod.HEAD);
      }
    }
    return new MethodsAllowed(List.copyOf(router.getRoutes()));
  }

  /**
   * Puts the methods of the request's path in {@code Allow}, for the 405 about to be answered: of the routes whose
   * pattern fits it as the access log matches them, a trailing slash aside (as the router sets it aside).
   */
  void putAllow(RoutingContext ctx) {
    Set<String> allowed = new TreeSet<>();
    String path = ctx.normalizedPath();
    String trimmed = path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    for (Route route : routes) {
      String pattern = route.getPath();
      if (route.methods() != null && pattern != null && (route.isExactPath()
          ? AccessLog.segmentsMatch(pattern, trimmed) : AccessLog.startsWith(path, pattern))) {
        route.methods().forEach(method -> allowed.add(method.name()));
      }
    }
    if (!allowed.isEmpty()) {
      ctx.response().putHeader(HttpHeaders.ALLOW, String.join(", ", allowed));
    }
  }
}
