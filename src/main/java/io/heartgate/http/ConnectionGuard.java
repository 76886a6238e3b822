package io.heartgate.http;

import io.heartgate.settings.Settings;
import io.heartgate.settings.TrustedProxies;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

/**
 * Keeps connections within bounds: at most so many open at once, and so many from one client address (an IPv6
 * client's /64, see {@link TrustedProxies#clientNetwork}; trusted proxies exempt), the rest closed as they arrive,
 * without touching the others; and a connection that does not send a request's headers in time (the header timeout
 * after connecting, the keep-alive after its previous answer) is closed, so slow, silent or idle clients cannot
 * hold file descriptors and memory. The counts are shared by every router instance; the timers of a connection
 * live on its event loop.
 */
public final class ConnectionGuard {
  private static final Logger LOG = Logger.getLogger(ConnectionGuard.class.getName());
  private static final long REFUSAL_LOG_INTERVAL_MS = 10_000;
  /** How long the unread rest of a refused request's body is read and dropped before its connection closes. */
  private static final long DISCARD_MS = 2_000;

  private final int maxConnections;
  private final int maxPerAddress;
  private final long headerTimeoutMs;
  /** How long a connection waits for its next request after an answer: no longer than for its first. */
  private final long keepAliveMs;
  private final TrustedProxies exempt;
  private final AtomicInteger open = new AtomicInteger();
  /** Client address or /64 → its open connections; one with none has no entry, so the map stays small. */
  private final Map<String, Integer> openByAddress = new ConcurrentHashMap<>();
  private volatile long lastRefusalLogged;

  public ConnectionGuard(Settings settings) {
    this.maxConnections = settings.maxConnections();
    this.maxPerAddress = settings.maxConnectionsPerAddress();
    this.headerTimeoutMs = settings.requestHeaderTimeoutSeconds() * 1000L;
    this.keepAliveMs = Math.min(headerTimeoutMs, settings.keepAliveSeconds() * 1000L);
    this.exempt = settings.trustedProxies();
  }

  /** One router instance's view: the header timers of the connections on its event loop. */
  final class OnLoop {
    private final Vertx vertx;
    /** Connection → its header timer, while it waits for a request's headers. Event-loop confined. */
    private final Map<HttpConnection, Long> waiting = new HashMap<>();
    /**
     * Connections whose answer says {@code Connection: close}: a request pipelined behind it is never served (its
     * framing may be what a proxy in front never saw). Event-loop confined.
     */
    private final Set<HttpConnection> closing = new HashSet<>();

    OnLoop(Vertx vertx) {
      this.vertx = vertx;
    }

    void connected(HttpConnection connection) {
      String address = connection.remoteAddress() == null ? "" : connection.remoteAddress().hostAddress();
      // Who the connection counts for; null for a trusted proxy, which speaks for many.
      String client = exempt.trusts(address) ? null : TrustedProxies.clientNetwork(address);
      if (!admit(client)) {
        connection.close();
        return;
      }
      connection.closeHandler(ignored -> {
        release(client);
        closing.remove(connection);
        Long timer = waiting.remove(connection);
        if (timer != null) {
          vertx.cancelTimer(timer);
        }
      });
      awaitHeaders(connection, headerTimeoutMs);
    }

    /**
     * A request's headers have arrived: stop the connection's clock until the request is answered. False, and the
     * connection closed, when it came behind an answer that closes the connection: then it must not be served.
     */
    boolean request(HttpServerRequest request) {
      if (closing.contains(request.connection())) {
        request.connection().close();
        return false;
      }
      Long timer = waiting.remove(request.connection());
      if (timer != null) {
        vertx.cancelTimer(timer);
      }
      return true;
    }

    /** The request is being served: once its answer says {@code Connection: close}, nothing behind it is. */
    void served(HttpServerRequest request) {
      if (closes(request)) {
        closing.add(request.connection());
      }
    }

    private static boolean closes(HttpServerRequest request) {
      return "close".equalsIgnoreCase(request.response().headers().get(HttpHeaders.CONNECTION));
    }

    /**
     * The request is answered: the connection's next request must come with its headers within the keep-alive
     * time (an agent sends again only at its next interval: the connection would only hold memory), unless the
     * answer said {@code Connection: close}, which the connection then does (nothing behind the request is
     * read), or came before the request's body was read (refused from its headers). Then the rest of the body is
     * read and thrown away for a moment before closing: closing on unread bytes resets the connection, and the
     * client, still sending, would lose the answer.
     */
    void answered(HttpServerRequest request, boolean bodyRead) {
      HttpConnection connection = request.connection();
      if (!bodyRead || closes(request)) {
        closing.add(connection);
      }
      if (!bodyRead) {
        long closer = vertx.setTimer(DISCARD_MS, ignored -> connection.close());
        request.handler(discarded -> { });
        request.endHandler(ignored -> {
          vertx.cancelTimer(closer);
          connection.close();
        });
        request.resume();
      } else if (closes(request)) {
        connection.close();
      } else if (!waiting.containsKey(connection)) {
        awaitHeaders(connection, keepAliveMs);
      }
    }

    private void awaitHeaders(HttpConnection connection, long timeoutMs) {
      waiting.put(connection, vertx.setTimer(timeoutMs, ignored -> {
        if (waiting.remove(connection) != null) {
          connection.close();
        }
      }));
    }
  }

  /** @param client the address or /64 the connection counts for; null when it is exempt */
  private boolean admit(String client) {
    if (open.incrementAndGet() > maxConnections) {
      open.decrementAndGet();
      refused("the node has " + maxConnections + " open connections (MAX_CONNECTIONS)");
      return false;
    }
    if (client == null) {
      return true;
    }
    boolean[] admitted = new boolean[1];
    openByAddress.compute(client, (key, count) -> {
      int now = count == null ? 0 : count;
      admitted[0] = now < maxPerAddress;
      return admitted[0] ? now + 1 : count;
    });
    if (!admitted[0]) {
      open.decrementAndGet();
      refused(client + " has " + maxPerAddress + " open connections (MAX_CONNECTIONS_PER_ADDRESS)");
      return false;
    }
    return true;
  }

  private void release(String client) {
    open.decrementAndGet();
    if (client != null) {
      openByAddress.computeIfPresent(client, (key, count) -> count <= 1 ? null : count - 1);
    }
  }

  /** Logs refusals at most every ten seconds: a flood must not flood the log too. */
  private void refused(String why) {
    long now = System.nanoTime() / 1_000_000;
    if (now - lastRefusalLogged > REFUSAL_LOG_INTERVAL_MS) {
      lastRefusalLogged = now;
      LOG.warning("refusing connections: " + why);
    }
  }
}
