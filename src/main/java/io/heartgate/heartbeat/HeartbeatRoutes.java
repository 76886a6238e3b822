package io.heartgate.heartbeat;

import io.heartgate.bus.Addresses;
import io.heartgate.http.Authenticator;
import io.heartgate.http.RequestBody;
import io.heartgate.http.Routes;
import io.heartgate.settings.AuthGroup;
import io.heartgate.settings.TrustedProxies;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;

/**
 * {@code POST /agents/heartbeat}: authenticate, validate, hand the heartbeat to the writer and answer 204 once
 * it is committed. Nothing here blocks or talks SQL.
 */
public final class HeartbeatRoutes implements Routes {
  public static final String PATH = "/agents/heartbeat";
  /** Heartbeat bodies larger than this get 413; the authenticator reads them once the token is checked. */
  static final long MAX_BODY = Authenticator.BODY_LIMIT;
  /**
   * The writer answers every heartbeat itself (refusing those that waited too long before being written); this
   * timeout is only a last resort for a store that stops answering in the middle of a commit.
   */
  private static final DeliveryOptions WRITE = new DeliveryOptions()
      .setSendTimeout(HeartbeatWriterVerticle.MAX_QUEUE_WAIT_MS + 50_000);

  private final Authenticator auth;
  private final TrustedProxies proxies;
  private final Clock clock;

  /** @param clock stamps each heartbeat with the time it was received */
  public HeartbeatRoutes(Authenticator auth, TrustedProxies proxies, Clock clock) {
    this.auth = auth;
    this.proxies = proxies;
    this.clock = clock;
  }

  @Override
  public void mount(Router router) {
    router.post(PATH)
        .handler(auth.require(AuthGroup.HEARTBEAT, "heartbeat:write"))
        .handler(this::accept);
  }

  private void accept(RoutingContext ctx) {
    RequestBody.requireJson(ctx);
    byte[] body = ctx.body().buffer() == null ? null : ctx.body().buffer().getBytes();
    AgentHeartbeat heartbeat = new AgentHeartbeat(HeartbeatParser.parse(body),
        AgentAddress.of(ctx.request(), proxies), clock.millis(), body.length);
    EventBus bus = ctx.vertx().eventBus();
    bus.request(Addresses.HEARTBEAT_WRITE, heartbeat, WRITE)
        .onSuccess(committed -> ctx.response().setStatusCode(204).end())
        .onFailure(ctx::fail);
  }
}
