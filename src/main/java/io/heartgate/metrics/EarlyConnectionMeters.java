package io.heartgate.metrics;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.datagram.DatagramSocketOptions;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;
import io.vertx.core.metrics.MetricsOptions;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.spi.VertxMetricsFactory;
import io.vertx.core.spi.metrics.ClientMetrics;
import io.vertx.core.spi.metrics.DatagramSocketMetrics;
import io.vertx.core.spi.metrics.EventBusMetrics;
import io.vertx.core.spi.metrics.HttpClientMetrics;
import io.vertx.core.spi.metrics.HttpServerMetrics;
import io.vertx.core.spi.metrics.PoolMetrics;
import io.vertx.core.spi.metrics.TCPMetrics;
import io.vertx.core.spi.metrics.VertxMetrics;
import io.vertx.core.spi.observability.HttpRequest;
import io.vertx.core.spi.observability.HttpResponse;

/**
 * Vert.x's meters as another factory makes them (vertx-micrometer's), with HTTP server meters that also take the
 * requests of a connection accepted before its server had meters. Vert.x 5.0.10 makes a server's meters in a
 * listener of its bind, and that listener can run after the first connection was accepted (a client knocking as
 * the gateway starts, such as an agent retrying): that connection has no meter of its own, and vertx-micrometer
 * read it at each of its requests, a NullPointerException that failed the request and that Netty logged as a WARN.
 * Such a request is now counted like any other, under a connection meter made for it and closed at once (so the
 * open-connections gauge never counts that connection); the connection's bytes and errors go uncounted.
 */
final class EarlyConnectionMeters implements VertxMetricsFactory {
  private final VertxMetricsFactory factory;

  EarlyConnectionMeters(VertxMetricsFactory factory) {
    this.factory = factory;
  }

  @Override
  public VertxMetrics metrics(VertxOptions options) {
    return new Node(factory.metrics(options));
  }

  @Override
  public MetricsOptions newOptions() {
    return factory.newOptions();
  }

  @Override
  public MetricsOptions newOptions(MetricsOptions options) {
    return factory.newOptions(options);
  }

  @Override
  public MetricsOptions newOptions(JsonObject json) {
    return factory.newOptions(json);
  }

  /** The factory's meters for a node, the HTTP servers' taken as {@link Server}. */
  private record Node(VertxMetrics meters) implements VertxMetrics {
    @Override
    @SuppressWarnings("unchecked")
    public HttpServerMetrics<?, ?, ?> createHttpServerMetrics(HttpServerOptions options, SocketAddress local) {
      HttpServerMetrics<?, ?, ?> server = meters.createHttpServerMetrics(options, local);
      return server == null ? null : new Server((HttpServerMetrics<Object, Object, Object>) server);
    }

    @Override
    public EventBusMetrics<?> createEventBusMetrics() {
      return meters.createEventBusMetrics();
    }

    @Override
    public ClientMetrics<?, ?, ?> createClientMetrics(SocketAddress remote, String type, String namespace) {
      return meters.createClientMetrics(remote, type, namespace);
    }

    @Override
    public HttpClientMetrics<?, ?, ?> createHttpClientMetrics(HttpClientOptions options) {
      return meters.createHttpClientMetrics(options);
    }

    @Override
    public TCPMetrics<?> createNetServerMetrics(NetServerOptions options, SocketAddress local) {
      return meters.createNetServerMetrics(options, local);
    }

    @Override
    public TCPMetrics<?> createNetClientMetrics(NetClientOptions options) {
      return meters.createNetClientMetrics(options);
    }

    @Override
    public DatagramSocketMetrics createDatagramSocketMetrics(DatagramSocketOptions options) {
      return meters.createDatagramSocketMetrics(options);
    }

    @Override
    public PoolMetrics<?, ?> createPoolMetrics(String type, String name, int maxSize) {
      return meters.createPoolMetrics(type, name, maxSize);
    }

    @Override
    public void vertxCreated(Vertx vertx) {
      meters.vertxCreated(vertx);
    }

    @Override
    public boolean isMetricsEnabled() {
      return meters.isMetricsEnabled();
    }

    @Override
    public void close() {
      meters.close();
    }
  }

  /**
   * An HTTP server's meters: a request of a connection without a meter gets one of its own; the calls about such a
   * connection itself are left out.
   */
  private record Server(HttpServerMetrics<Object, Object, Object> meters)
      implements HttpServerMetrics<Object, Object, Object> {
    /** A connection meter for one request: opened and closed at once, so no connection is left counted open. */
    private Object standIn(SocketAddress remote) {
      Object connection = meters.connected(remote, null);
      meters.disconnected(connection, remote);
      return connection;
    }

    @Override
    public Object requestBegin(Object connection, HttpRequest request) {
      return meters.requestBegin(connection != null ? connection : standIn(request.remoteAddress()), request);
    }

    @Override
    public Object responsePushed(Object connection, HttpMethod method, String uri, HttpResponse response) {
      return meters.responsePushed(connection != null ? connection : standIn(null), method, uri, response);
    }

    @Override
    public Object connected(Object connection, Object request, ServerWebSocket webSocket) {
      return meters.connected(connection != null ? connection : standIn(webSocket.remoteAddress()), request,
          webSocket);
    }

    @Override
    public void requestEnd(Object request, HttpRequest httpRequest, long bytesRead) {
      meters.requestEnd(request, httpRequest, bytesRead);
    }

    @Override
    public void requestReset(Object request) {
      meters.requestReset(request);
    }

    @Override
    public void responseBegin(Object request, HttpResponse response) {
      meters.responseBegin(request, response);
    }

    @Override
    public void responseEnd(Object request, HttpResponse response, long bytesWritten) {
      meters.responseEnd(request, response, bytesWritten);
    }

    @Override
    public void requestRouted(Object request, String route) {
      meters.requestRouted(request, route);
    }

    @Override
    public void disconnected(Object webSocket) {
      meters.disconnected(webSocket);
    }

    @Override
    public Object connected(SocketAddress remote, String remoteName) {
      return meters.connected(remote, remoteName);
    }

    @Override
    public void disconnected(Object connection, SocketAddress remote) {
      if (connection != null) {
        meters.disconnected(connection, remote);
      }
    }

    @Override
    public void bytesRead(Object connection, SocketAddress remote, long bytes) {
      if (connection != null) {
        meters.bytesRead(connection, remote, bytes);
      }
    }

    @Override
    public void bytesWritten(Object connection, SocketAddress remote, long bytes) {
      if (connection != null) {
        meters.bytesWritten(connection, remote, bytes);
      }
    }

    @Override
    public void exceptionOccurred(Object connection, SocketAddress remote, Throwable failure) {
      if (connection != null) {
        meters.exceptionOccurred(connection, remote, failure);
      }
    }

    @Override
    public void close() {
      meters.close();
    }
  }
}
