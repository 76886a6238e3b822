package io.heartgate.audit;

import io.heartgate.core.Check;
import io.heartgate.http.Authenticator;
import io.heartgate.http.Responses;
import io.heartgate.http.Routes;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;

/** {@code GET /api/audit?from=&to=&limit=} for callers with {@code audit:read}. */
public final class AuditRoutes implements Routes {
  private static final int DEFAULT_LIMIT = 100;
  private static final int MAX_LIMIT = 1000;

  private final AuditLog audit;
  private final Authenticator auth;

  public AuditRoutes(AuditLog audit, Authenticator auth) {
    this.audit = audit;
    this.auth = auth;
  }

  @Override
  public void mount(Router router) {
    router.get("/api/audit").handler(auth.require("audit:read")).handler(this::list);
  }

  private void list(RoutingContext ctx) {
    long from = instant(ctx, "from", 0);
    long to = instant(ctx, "to", Long.MAX_VALUE);
    int limit = Check.limit("limit", ctx.queryParams().get("limit"), DEFAULT_LIMIT, MAX_LIMIT);
    audit.between(from, to, limit).onSuccess(events -> {
      JsonArray items = new JsonArray();
      for (AuditEvent event : events) {
        items.add(new JsonObject()
            .put("at", Instant.ofEpochMilli(event.at()).toString())
            .put("action", event.action())
            .put("actorType", event.actorType())
            .put("actorId", event.actorId())
            .put("targetType", event.targetType())
            .put("targetId", event.targetId())
            .put("outcome", event.outcome())
            .put("clientIp", event.clientIp())
            .put("userAgent", event.userAgent()));
      }
      Responses.json(ctx, 200, new JsonObject().put("events", items));
    }).onFailure(ctx::fail);
  }

  private static long instant(RoutingContext ctx, String name, long absent) {
    String value = ctx.queryParams().get(name);
    return value == null || value.isEmpty() ? absent : Check.time(name, value).toEpochMilli();
  }
}
