package io.heartgate.http;

import io.heartgate.core.ClientInfo;
import io.vertx.ext.web.RoutingContext;

/** Where a request came from, as the audit log records it. */
public final class RequestOrigin {
  private static final int MAX_USER_AGENT = 512;

  private RequestOrigin() {
  }

  public static ClientInfo of(RoutingContext ctx) {
    String agent = ctx.request().getHeader("User-Agent");
    if (agent != null && agent.length() > MAX_USER_AGENT) {
      agent = agent.substring(0, MAX_USER_AGENT);
    }
    return new ClientInfo(ctx.request().remoteAddress() == null ? null : ctx.request().remoteAddress().host(), agent);
  }
}
