package io.heartgate.http;

import io.heartgate.core.Check;
import io.heartgate.core.ClientInfo;
import io.heartgate.settings.TrustedProxies;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;

/** Where a request came from, as the login limits, the audit log and the access log count and record it. */
public final class RequestOrigin {
  /** The context data under which the API listener's router keeps its {@link TrustedProxies}. */
  static final String PROXIES = "heartgate.trustedProxies";
  private static final int MAX_USER_AGENT = 512;
  private static final TrustedProxies NONE = TrustedProxies.parse("");

  private RequestOrigin() {
  }

  /** The client's address and User-Agent (cut short, in printable characters), for the audit log. */
  public static ClientInfo of(RoutingContext ctx) {
    String agent = ctx.request().getHeader("User-Agent");
    if (agent != null) {
      agent = Check.printable(agent.length() > MAX_USER_AGENT ? agent.substring(0, MAX_USER_AGENT) : agent);
    }
    TrustedProxies proxies = ctx.get(PROXIES);
    return new ClientInfo(clientAddress(ctx.request(), proxies == null ? NONE : proxies), agent);
  }

  /** The client's address (see {@link TrustedProxies#clientAddress}); null when unknown. */
  public static String clientAddress(HttpServerRequest request, TrustedProxies proxies) {
    // The connection's peer: the request's own would have vert.x-web parse its forwarding headers first.
    SocketAddress peer = request.connection().remoteAddress();
    String address = peer == null ? null : peer.hostAddress();
    return proxies.trusts(address) ? proxies.clientAddress(address, request.headers().getAll("X-Forwarded-For"))
        : address;
  }
}
