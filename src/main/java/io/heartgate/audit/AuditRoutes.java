package io.heartgate.audit;

import io.heartgate.core.Check;
import io.heartgate.core.Cursor;
import io.heartgate.http.Authenticator;
import io.heartgate.http.InFlightLimit;
import io.heartgate.http.PageRequest;
import io.heartgate.http.QueryParams;
import io.heartgate.http.Routes;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

/**
 * {@code GET /api/audit?from=&to=&limit=&cursor=} for callers with {@code audit:read}: newest first, a page's
 * {@code nextCursor} (null on the last) leads to the next, every event once however many share a millisecond.
 */
public final class AuditRoutes implements Routes {
  private final AuditLog audit;
  private final Authenticator auth;
  /** The node's listings, built a few at a time (see {@link InFlightLimit}). */
  private final InFlightLimit listings;

  public AuditRoutes(AuditLog audit, Authenticator auth, InFlightLimit listings) {
    this.audit = audit;
    this.auth = auth;
    this.listings = listings;
  }

  @Override
  public void mount(Router router) {
    router.get("/api/audit").handler(auth.require("audit:read")).handler(this::list);
  }

  private void list(RoutingContext ctx) {
    long from = instant(ctx, "from", 0);
    long to = instant(ctx, "to", Long.MAX_VALUE);
    PageRequest asked = PageRequest.of(ctx);
    int limit = asked.limit();
    AuditLog.Position after = asked.after(AuditRoutes::cursor);
    listings.answer(ctx, "audit", () -> audit.between(from, to, after, limit).map(page -> {
      JsonArray items = new JsonArray();
      for (AuditEvent event : page.events()) {
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
      return new JsonObject().put("events", items).put("nextCursor", cursor(page.next()));
    }));
  }

  /** The position as an opaque cursor: {@code <at>.<id>} in base64url; null for none. */
  private static String cursor(AuditLog.Position position) {
    return position == null ? null : Base64.getUrlEncoder().withoutPadding()
        .encodeToString((position.at() + "." + position.id()).getBytes(StandardCharsets.US_ASCII));
  }

  /** The position a cursor of this listing stands for, given exactly as a page gave it; 400 for any other text. */
  private static AuditLog.Position cursor(String text) {
    try {
      String[] parts = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.US_ASCII).split("\\.", -1);
      if (parts.length == 2 && Character.isDigit(parts[0].charAt(0)) && Character.isDigit(parts[1].charAt(0))) {
        AuditLog.Position position = new AuditLog.Position(Long.parseLong(parts[0]), Long.parseLong(parts[1]));
        return Cursor.exact(text, position, cursor(position), Cursor.NOT_ONE);
      }
    } catch (IllegalArgumentException | StringIndexOutOfBoundsException e) {
      // answered below; NumberFormatException is an IllegalArgumentException
    }
    throw Cursor.invalid(Cursor.NOT_ONE);
  }

  private static long instant(RoutingContext ctx, String name, long absent) {
    String value = QueryParams.of(ctx).get(name);
    return value == null || value.isEmpty() ? absent : Check.time(name, value).toEpochMilli();
  }
}
