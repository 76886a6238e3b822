package io.heartgate.http;

import io.heartgate.core.Check;
import io.heartgate.core.Invalid;
import io.heartgate.settings.Settings;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.ext.web.Router;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Serves HTTP: one instance per event loop, each listening on the API port and, when it differs, the heartbeat
 * port (Vert.x spreads the connections of a shared port over the instances).
 */
public final class RouterVerticle extends VerticleBase {
  /** How long in-flight requests may finish when the node stops. */
  private static final long SHUTDOWN_GRACE_SECONDS = 4;
  /** The one query parameter of the API that may be given more than once: the label filter, all must match. */
  private static final String REPEATABLE = "label";

  private final Settings settings;
  private final List<Routes> apiRoutes;
  private final List<Routes> heartbeatRoutes;
  private final ConnectionGuard connections;
  private final List<HttpServer> servers = new ArrayList<>();

  /**
   * @param apiRoutes everything the API listener serves
   * @param heartbeatRoutes the subset the heartbeat listener serves
   * @param connections the connection bounds, shared by every instance
   */
  public RouterVerticle(Settings settings, List<Routes> apiRoutes, List<Routes> heartbeatRoutes,
      ConnectionGuard connections) {
    this.settings = settings;
    this.connections = connections;
    this.apiRoutes = apiRoutes;
    this.heartbeatRoutes = heartbeatRoutes;
  }

  @Override
  public Future<?> start() {
    ConnectionGuard.OnLoop guard = connections.new OnLoop(vertx);
    AnswerDeadlines deadlines = new AnswerDeadlines(vertx, settings.idleTimeoutSeconds());
    Future<HttpServer> api = listen(router(apiRoutes, guard, deadlines), settings.apiPort(), guard);
    if (settings.heartbeatPort() == settings.apiPort()) {
      return api;
    }
    return Future.all(api, listen(router(heartbeatRoutes, guard, deadlines), settings.heartbeatPort(), guard));
  }

  /** Stops accepting connections and lets in-flight requests finish. */
  @Override
  public Future<?> stop() {
    return Future.join(servers.stream()
        .map(server -> server.shutdown(SHUTDOWN_GRACE_SECONDS, TimeUnit.SECONDS))
        .toList());
  }

  private Router router(List<Routes> routes, ConnectionGuard.OnLoop guard, AnswerDeadlines deadlines) {
    Router router = Router.router(vertx);
    if (settings.accessLog()) {
      // First, so its clock starts before anything else runs; not mounted at all when off.
      router.route().handler(new AccessLog(router, settings.trustedProxies()));
    }
    // Nothing is read until a handler asks for the body (after the credentials were checked, see BodyBudget).
    router.route().handler(ctx -> {
      boolean body = BodyBudget.hasBody(ctx.request());
      if (body) {
        ctx.request().pause();
      }
      deadlines.started(ctx);
      ctx.addEndHandler(ignored -> {
        deadlines.ended(ctx);
        BodyBudget.ended(ctx);
        guard.answered(ctx.request(), !body || ctx.request().isEnded());
      });
      ctx.next();
    });
    // Matching a route with path parameters decodes the query string, and a malformed %-escape there would
    // surface as a 500 from inside the router: answer 400 before any such route is tried. Every such route is
    // under /api/ or /c/, so the heartbeat path does not pay for the decoding. (Malformed paths never reach the
    // router: RequestGate answers them.)
    for (String prefix : new String[] {"/api/*", "/c/*"}) {
      router.route(prefix).handler(ctx -> {
        try {
          MultiMap params = QueryParams.of(ctx);
          // No parameter the store may meet holds NUL or an unpaired surrogate (PostgreSQL refuses a NUL in any
          // text). A config document's parameters are values for its TOML, escaped there, so they may.
          String path = ctx.normalizedPath();
          if (!path.startsWith("/c/") && !path.endsWith("/toml")) {
            params.forEach(Check::unicode);
            requireOnce(params);
          }
        } catch (IllegalArgumentException malformed) {
          ctx.fail(new Invalid("query", "The query string is malformed"));
          return;
        } catch (Invalid refused) {
          ctx.fail(refused);
          return;
        }
        ctx.next();
      });
    }
    // Where the audit log finds the proxies to tell its client by (RequestOrigin); everything audited is under /api/.
    router.route("/api/*").handler(ctx -> {
      ctx.put(RequestOrigin.PROXIES, settings.trustedProxies());
      ctx.next();
    });
    routes.forEach(r -> r.mount(router));
    MethodsAllowed methods = MethodsAllowed.addHead(router);
    router.route().failureHandler(ErrorResponder::handle);
    for (int status : new int[] {400, 404, 413, 415, 500}) {
      router.errorHandler(status, ErrorResponder::handle);
    }
    router.errorHandler(405, ctx -> {
      methods.putAllow(ctx);
      ErrorResponder.handle(ctx);
    });
    return router;
  }

  /**
   * Each query parameter of the API given once at most, {@value #REPEATABLE} aside (a filter, every one counts):
   * which of two counts would be a guess, and a second one was never checked. Names as the router reads them, case
   * aside.
   */
  private static void requireOnce(MultiMap params) {
    for (String name : params.names()) {
      if (!REPEATABLE.equalsIgnoreCase(name) && params.getAll(name).size() > 1) {
        throw new Invalid(name, name + " is given more than once");
      }
    }
  }

  private Future<HttpServer> listen(Router router, int port, ConnectionGuard.OnLoop guard) {
    HttpServerOptions options = new HttpServerOptions()
        .setIdleTimeout(settings.idleTimeoutSeconds())
        .setIdleTimeoutUnit(TimeUnit.SECONDS)
        .setHttp2ClearTextEnabled(settings.http2Cleartext());
    if (settings.tls()) {
      options.setSsl(true).setKeyCertOptions(new PemKeyCertOptions()
          .setCertPath(settings.sslCert().toString())
          .setKeyPath(settings.sslKey().toString()));
    }
    HttpServer server = vertx.createHttpServer(options);
    servers.add(server);
    Handler<HttpServerRequest> refusedLog = settings.accessLog()
        ? request -> AccessLog.refused(request, settings.trustedProxies()) : request -> { };
    RequestGate gate = new RequestGate(router, settings.tls(), refusedLog);
    return server
        .connectionHandler(guard::connected)
        .requestHandler(request -> {
          if (guard.request(request)) {
            gate.handle(request);
            guard.served(request);
          }
        })
        .invalidRequestHandler(request -> {
          InvalidRequests.answer(request);
          refusedLog.handle(request);
        })
        .exceptionHandler(OutOfMemory::exitOn)
        .listen(port, settings.host());
  }
}
