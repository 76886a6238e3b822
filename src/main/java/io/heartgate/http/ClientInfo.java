package io.heartgate.http;

import io.vertx.ext.web.RoutingContext;

/** Where a request came from, for the audit log. */
public record ClientInfo(String address, String userAgent) {
  private static final int MAX_USER_AGENT = 512;

  public static ClientInfo of(RoutingContext ctx) {
    String agent = ctx.request().getHeader("User-Agent");
    if (agent != null && agent.length() > MAX_USER_AGENT) {
      agent = agent.substring(0, MAX_USER_AGENT);
    }
    return new ClientInfo(ctx.request().remoteAddress() == null ? null : ctx.request().remoteAddress().host(), agent);
  }

  /** For actions that no request caused (start-up). */
  public static ClientInfo system() {
    return new ClientInfo(null, null);
  }
}
