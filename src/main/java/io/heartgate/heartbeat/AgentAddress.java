package io.heartgate.heartbeat;

import io.heartgate.core.Invalid;
import io.heartgate.settings.TrustedProxies;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;

/**
 * The address an agent is known by: its {@code Telegraf-Agent-IP} header when it sends one, else the first
 * {@code X-Forwarded-For} hop when the peer is a trusted proxy, else the peer address.
 */
final class AgentAddress {
  static final String AGENT_IP_HEADER = "Telegraf-Agent-IP";

  private AgentAddress() {
  }

  static String of(HttpServerRequest request, TrustedProxies proxies) {
    String declared = request.getHeader(AGENT_IP_HEADER);
    // Blank is absent: a header set from an environment variable that expanded to "" (Telegraf's headers option).
    if (declared != null && !declared.isBlank()) {
      String ip = declared.trim();
      if (TrustedProxies.parseAddress(ip) == null) {
        throw new Invalid(AGENT_IP_HEADER, "The " + AGENT_IP_HEADER + " header must be an IP address");
      }
      return ip;
    }
    // The connection's peer: the same address as the request's, without the router's parse of the request's
    // forwarding headers and authority that asking the request costs (forwarding headers are not read by Vert.x
    // here; TrustedProxies reads X-Forwarded-For).
    SocketAddress peer = request.connection().remoteAddress();
    return proxies.firstHop(peer == null ? null : peer.hostAddress(), request.getHeader("X-Forwarded-For"));
  }
}
