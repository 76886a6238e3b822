package io.heartgate.http;

import io.heartgate.core.TooLarge;
import io.heartgate.core.Unavailable;
import io.heartgate.settings.TrustedProxies;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One budget of request-body bytes buffered at once, shared by every router instance, so that however many
 * clients upload at the same time the heap holds a bounded amount of their bodies. A body is admitted only with
 * room for all of it (its Content-Length, or the route's limit when it is chunked); otherwise 503 with Retry-After,
 * the body left unread. One client (behind a trusted proxy, the one it names) holds at most a quarter of the
 * budget, or the largest body when that is more, so one client cannot take it all. The room is given back when
 * the request has been answered or has failed, not when its client leaves: its body, and what was made of it, stay
 * in the heap while the request is processed ({@link #ended}). A body not read in full within the body timeout has
 * its connection closed, which ends it: a client trickling its body would otherwise hold its room for as long as it
 * sends a byte within the idle timeout.
 */
public final class BodyBudget {
  private static final String RESERVED = "heartgate.body.reserved";
  /** How long the room of a request whose client left is kept at most: no request is processed longer. */
  private static final long ABANDONED_MS = 60_000;
  private final long bytes;
  private final AtomicLong free;
  private final long perAddress;
  private final long bodyTimeoutMs;
  private final TrustedProxies proxies;
  /** Client address → the bytes its requests hold; only addresses holding some. */
  private final Map<String, Long> held = new ConcurrentHashMap<>();

  /**
   * @param bytes the budget
   * @param bodyTimeoutMs how long a request has to send its whole body once its reading starts
   * @param proxies exempt from the share of one address
   */
  public BodyBudget(long bytes, long bodyTimeoutMs, TrustedProxies proxies) {
    this.bytes = bytes;
    this.free = new AtomicLong(bytes);
    // Never less than the largest body, which one request may always send.
    this.perAddress = Math.max(bytes / 4, Authenticator.BODY_LIMIT);
    this.bodyTimeoutMs = bodyTimeoutMs;
    this.proxies = proxies;
  }

  /** Reads the body of the request, at most {@code limit} bytes (413 beyond), within the budget (503 beyond). */
  public Handler<RoutingContext> reader(long limit) {
    BodyHandler body = BodyHandler.create(false).setBodyLimit(limit);
    return ctx -> {
      if (AnswerDeadlines.answeredLate(ctx)) {
        return;  // answered 503 while its credentials were checked: its body is not read, its connection closed
      }
      if (!hasBody(ctx.request())) {
        // Nothing follows the headers (and the request may have ended while the caller was verified).
        ctx.next();
        return;
      }
      long need = need(ctx.request(), limit);
      if (need > limit) {
        ctx.fail(new TooLarge(null, "The request body is too large"));
        return;
      }
      String holder = holder(ctx.request());
      if (!take(holder, need)) {
        ctx.fail(new Unavailable("unavailable", "The gateway is busy; try again later"));
        return;
      }
      ctx.put(RESERVED, new Reservation(this, need, holder));
      HttpServerRequest request = ctx.request();
      BodyDeadlines deadlines = BodyDeadlines.ofThisLoop(bodyTimeoutMs);
      deadlines.started(request);
      ctx.addEndHandler(ignored -> deadlines.ended(request));
      body.handle(ctx);
    };
  }

  /** Whether the request's body is being read (after its credentials were checked, before its last byte). */
  static boolean reading(RoutingContext ctx) {
    return ctx.get(RESERVED) != null && !ctx.request().isEnded();
  }

  /** Room taken for one request's body: how much, from which budget, on whose share (null for none). */
  private record Reservation(BodyBudget budget, long bytes, String holder) {
  }

  /** The bytes its bodies hold now. */
  public long heldBytes() {
    return bytes - free.get();
  }

  /**
   * Called when the request has ended, answered or its client gone. An answered request gives its room back; one
   * whose client left after its body was read, or that was answered 503 at its deadline ({@link AnswerDeadlines}),
   * keeps it until its own answer comes or it fails: the body, and what was made of it, stay in the heap for as
   * long as the request is processed.
   */
  public static void ended(RoutingContext ctx) {
    if (ctx.get(RESERVED) == null) {
      return;
    }
    if (ctx.response().ended() && !AnswerDeadlines.answeredLate(ctx) || !ctx.request().isEnded()) {
      release(ctx);
    } else {
      // The answer still ends the response (its writing fails), so its body-end handlers still run; and whatever
      // becomes of it, the room comes back after the longest a request is processed (a change's 60 s).
      ctx.addBodyEndHandler(ignored -> release(ctx));
      ctx.vertx().setTimer(ABANDONED_MS, ignored -> release(ctx));
    }
  }

  /** Gives back what the request held, once; called when it has been answered or has failed. */
  public static void release(RoutingContext ctx) {
    Reservation reservation = ctx.remove(RESERVED);
    if (reservation != null) {
      reservation.budget.giveBack(reservation);
    }
  }

  private void giveBack(Reservation reservation) {
    free.addAndGet(reservation.bytes);
    if (reservation.holder != null) {
      giveBack(reservation.holder, reservation.bytes);
    }
  }

  /**
   * The client whose share the request draws on: behind a trusted proxy the one it names (see {@link
   * RequestOrigin#clientAddress}), an IPv6 client's whole /64 ({@link TrustedProxies#clientNetwork}); null when
   * that is a trusted proxy itself, which speaks for many, or unknown.
   */
  private String holder(HttpServerRequest request) {
    String client = RequestOrigin.clientAddress(request, proxies);
    return client == null || proxies.trusts(client) ? null : TrustedProxies.clientNetwork(client);
  }

  /** Whether a body follows the request's headers (a length above zero, or chunks). */
  public static boolean hasBody(HttpServerRequest request) {
    String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
    return length != null ? !length.trim().equals("0") : request.headers().contains(HttpHeaders.TRANSFER_ENCODING);
  }

  /** The bytes the body may take: its declared length, or the limit when it comes in chunks. */
  private static long need(HttpServerRequest request, long limit) {
    String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
    if (length != null) {
      try {
        return Math.max(0, Long.parseLong(length.trim()));
      } catch (NumberFormatException e) {
        return limit + 1;
      }
    }
    return limit;
  }

  /** Room from the budget and, for a holder, within its share; nothing taken when either lacks it. */
  private boolean take(String holder, long bytes) {
    if (holder != null) {
      boolean[] within = new boolean[1];
      held.compute(holder, (address, now) -> {
        long after = (now == null ? 0 : now) + bytes;
        within[0] = after <= perAddress;
        return within[0] ? Long.valueOf(after) : now;
      });
      if (!within[0]) {
        return false;
      }
      if (!take(bytes)) {
        giveBack(holder, bytes);
        return false;
      }
      return true;
    }
    return take(bytes);
  }

  private void giveBack(String holder, long bytes) {
    held.computeIfPresent(holder, (address, now) -> now == bytes ? null : now - bytes);
  }

  private boolean take(long bytes) {
    while (true) {
      long now = free.get();
      if (now < bytes) {
        return false;
      }
      if (free.compareAndSet(now, now - bytes)) {
        return true;
      }
    }
  }
}
