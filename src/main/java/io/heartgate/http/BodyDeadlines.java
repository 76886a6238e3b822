package io.heartgate.http;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The request bodies being read on one event loop, each with the time by which it must have arrived. One periodic
 * timer a second closes the connection of any that is late, so a request only enters and leaves a map: a timer set
 * and cancelled for each request costs what the connection guard's header timer does, 4 % of the event loops' Java
 * samples at 256 connections. Deadlines are met within a second. Used on its event loop only.
 */
final class BodyDeadlines {
  private static final String KEY = BodyDeadlines.class.getName();
  private static final long CHECK_MS = 1_000;
  private final long timeoutNanos;
  /** Request → its deadline (System.nanoTime); in the order they started, which is the order of their deadlines. */
  private final Map<HttpServerRequest, Long> reading = new LinkedHashMap<>();

  private BodyDeadlines(Vertx vertx, long timeoutMs) {
    this.timeoutNanos = timeoutMs * 1_000_000;
    vertx.setPeriodic(CHECK_MS, ignored -> closeLate());
  }

  /** The deadlines of the calling event loop's context (a router verticle's), made at its first body. */
  static BodyDeadlines ofThisLoop(long timeoutMs) {
    Context context = Vertx.currentContext();
    BodyDeadlines deadlines = context.get(KEY);
    if (deadlines == null) {
      deadlines = new BodyDeadlines(context.owner(), timeoutMs);
      context.put(KEY, deadlines);
    }
    return deadlines;
  }

  void started(HttpServerRequest request) {
    reading.put(request, System.nanoTime() + timeoutNanos);
  }

  void ended(HttpServerRequest request) {
    reading.remove(request);
  }

  private void closeLate() {
    long now = System.nanoTime();
    for (Iterator<Map.Entry<HttpServerRequest, Long>> it = reading.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<HttpServerRequest, Long> entry = it.next();
      if (entry.getValue() - now > 0) {
        return;
      }
      it.remove();
      if (!entry.getKey().isEnded()) {
        entry.getKey().connection().close();
      }
    }
  }
}
