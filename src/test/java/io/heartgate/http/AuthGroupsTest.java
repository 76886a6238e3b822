package io.heartgate.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.heartgate.auth.Principal;
import io.heartgate.auth.Refusals;
import io.heartgate.core.Unauthorized;
import io.heartgate.settings.AuthGroup;
import io.heartgate.settings.TrustedProxies;
import io.heartgate.testsupport.Await;
import io.heartgate.testsupport.FreePort;
import io.heartgate.testsupport.TestGateway;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** DISABLED_AUTH_ENDPOINTS: a disabled group's routes need no credentials; every other route still does. */
class AuthGroupsTest {
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    Await.of(vertx.close());
  }

  private int serve(Set<AuthGroup> disabled) {
    Authenticator auth = new Authenticator(vertx, hash -> null, disabled,
        cookie -> Future.failedFuture(new Unauthorized(Refusals.MISSING_HEADER)),
        new BodyBudget(1 << 20, 30_000, TrustedProxies.parse("")), TrustedProxies.parse(""));
    Router router = Router.router(vertx);
    router.get("/configs").handler(auth.require(AuthGroup.CONFIGS, "configs:read")).handler(ctx -> {
      Principal principal = Authenticator.principal(ctx);
      ctx.response().end(principal.isAnonymous() ? "anonymous" : principal.username());
    });
    router.get("/agents").handler(auth.require(AuthGroup.AGENTS, "agents:read")).handler(ctx -> ctx.response().end());
    router.get("/users").handler(auth.require("users:read")).handler(ctx -> ctx.response().end());
    router.get("/labels").handler(auth.require(AuthGroup.LABELS, "labels:read")).handler(ctx -> ctx.response().end());
    // Assigning a label: open only when both the target's group and labels are.
    router.get("/assign").handler(auth.require(AuthGroup.AGENTS, "agents:write", AuthGroup.LABELS, "labels:read"))
        .handler(ctx -> ctx.response().end());
    router.route().failureHandler(ErrorResponder::handle);
    int port = FreePort.find();
    HttpServer server = vertx.createHttpServer().requestHandler(router);
    Await.of(server.listen(port, "127.0.0.1"));
    return port;
  }

  private static int status(int port, String path) {
    return TestGateway.get(URI.create("http://127.0.0.1:" + port + path)).statusCode();
  }

  @Test
  void disabledGroupIsOpenOthersStayClosed() {
    int port = serve(EnumSet.of(AuthGroup.CONFIGS));
    assertEquals(200, status(port, "/configs"));
    assertEquals("anonymous", TestGateway.get(URI.create("http://127.0.0.1:" + port + "/configs")).body());
    assertEquals(401, status(port, "/agents"));
    assertEquals(401, status(port, "/users"));
  }

  @Test
  void starDisablesEveryGroupButNotUngroupedRoutes() {
    int port = serve(EnumSet.allOf(AuthGroup.class));
    assertEquals(200, status(port, "/configs"));
    assertEquals(200, status(port, "/agents"));
    assertEquals(401, status(port, "/users"), "users, tokens, settings and audit are in no group");
  }

  @Test
  void labelsGroupOpensLabelsAndAssignmentOnlyWithTheTargetsGroup() {
    int labelsOnly = serve(EnumSet.of(AuthGroup.LABELS));
    assertEquals(200, status(labelsOnly, "/labels"));
    assertEquals(401, status(labelsOnly, "/assign"), "the agents group is not open");
    int agentsOnly = serve(EnumSet.of(AuthGroup.AGENTS));
    assertEquals(401, status(agentsOnly, "/labels"));
    assertEquals(401, status(agentsOnly, "/assign"), "the labels group is not open");
    int both = serve(EnumSet.of(AuthGroup.AGENTS, AuthGroup.LABELS));
    assertEquals(200, status(both, "/assign"));
  }

  @Test
  void nothingDisabledByDefault() {
    int port = serve(EnumSet.noneOf(AuthGroup.class));
    assertEquals(401, status(port, "/configs"));
    assertEquals(401, status(port, "/agents"));
    assertEquals(401, status(port, "/labels"));
    assertEquals(401, status(port, "/assign"));
  }
}
