package io.heartgate.heartbeat;

import io.heartgate.http.Authenticator;
import io.heartgate.http.RequestBody;
import io.heartgate.http.Responses;
import io.heartgate.http.Routes;
import io.heartgate.metrics.HeartbeatMeters;
import io.heartgate.metrics.HeartbeatMeters.Refusal;
import io.heartgate.settings.AuthGroup;
import io.heartgate.settings.TrustedProxies;
import io.heartgate.store.StoreOutage;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;

/**
 * {@code POST /agents/heartbeat}: authenticate, validate, hand the heartbeat to the writer (with the others of this
 * event loop's turn, see {@link HeartbeatHandOff}) and answer 204 once it is committed. Nothing here blocks or talks
 * SQL. Every refusal is counted by reason (the writer counts what it acknowledged), on the failure path only.
 */
public final class HeartbeatRoutes implements Routes {
  public static final String PATH = "/agents/heartbeat";
  /** Heartbeat bodies larger than this get 413; the authenticator reads them once the token is checked. */
  static final long MAX_BODY = Authenticator.BODY_LIMIT;

  private final Authenticator auth;
  private final TrustedProxies proxies;
  private final Clock clock;
  private final HeartbeatMeters meters;
  private final HeartbeatBacklog backlog;

  /**
   * @param clock stamps each heartbeat with the time it was received
   * @param meters counts the refusals; watches the backlog
   * @param backlog the heartbeats waiting for the store, shared with the writer
   */
  public HeartbeatRoutes(Authenticator auth, TrustedProxies proxies, Clock clock, HeartbeatMeters meters,
      HeartbeatBacklog backlog) {
    this.auth = auth;
    this.proxies = proxies;
    this.clock = clock;
    this.meters = meters;
    this.backlog = backlog;
    meters.watchQueue(backlog::waiting, backlog::waitingBytes);
  }

  /** Mounted by each router verticle as it starts, on its own event loop, which gets its own hand-off. */
  @Override
  public void mount(Router router) {
    HeartbeatHandOff handOff = new HeartbeatHandOff(Vertx.currentContext(), backlog);
    router.post(PATH)
        .handler(auth.require(AuthGroup.HEARTBEAT, "heartbeat:write"))
        .handler(ctx -> accept(ctx, handOff))
        .failureHandler(this::countRefusal);
  }

  /**
   * Counts the refusal by the status the router's one error mapping gives it and, for a 503, by why: as the
   * answer's headers go out, so that the count is there before the client has a byte of its answer (a scrape sent
   * right after a refusal, which another event loop may serve, sees it). A client that left before its answer was
   * not refused, and is not counted.
   */
  private void countRefusal(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    if (!ctx.response().closed()) {
      ctx.addHeadersEndHandler(ignored -> meters.refused(refusal(ctx.response().getStatusCode(), failure)));
    }
    ctx.next();
  }

  static Refusal refusal(int status, Throwable failure) {
    return switch (status) {
      case 400 -> Refusal.INVALID;
      case 401 -> Refusal.UNAUTHORIZED;
      case 403 -> Refusal.FORBIDDEN;
      case 413 -> Refusal.TOO_LARGE;
      case 415 -> Refusal.UNSUPPORTED_MEDIA_TYPE;
      case 503 -> unavailable(failure);
      default -> Refusal.OTHER;
    };
  }

  /**
   * Why a 503: the backlog's and the writer's refusals say so themselves; the token verifier fails with a 503 reply
   * only when the store is unavailable, and the store's own failures say so too.
   */
  private static Refusal unavailable(Throwable failure) {
    HeartbeatRefusal refusal = HeartbeatRefusal.of(failure);
    if (refusal != null) {
      return refusal.counted;
    }
    boolean verifierFailed = failure instanceof ReplyException reply
        && reply.failureType() == ReplyFailure.RECIPIENT_FAILURE;
    return verifierFailed || StoreOutage.in(failure) ? Refusal.STORE_UNAVAILABLE : Refusal.BUSY;
  }

  private void accept(RoutingContext ctx, HeartbeatHandOff handOff) {
    RequestBody.requireJson(ctx);
    byte[] body = ctx.body().buffer() == null ? null : ctx.body().buffer().getBytes();
    AgentHeartbeat heartbeat = new AgentHeartbeat(HeartbeatParser.parse(body),
        AgentAddress.of(ctx.request(), proxies), clock.millis(), body.length);
    handOff.submit(heartbeat)
        .onSuccess(committed -> Responses.noContent(ctx))
        .onFailure(ctx::fail);
  }
}
