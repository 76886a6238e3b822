package io.heartgate.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.spi.metrics.HttpServerMetrics;
import io.vertx.core.spi.observability.HttpRequest;
import io.vertx.core.spi.observability.HttpResponse;
import java.util.Collection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A connection Vert.x accepted in the moment between its server socket listening and the server's meters being
 * made (Vert.x 5.0.10 makes them in a listener of the bind, which can run after the first accept) has no
 * connection meter. Vert.x still hands its requests to the server's HTTP meters, where vertx-micrometer, which made
 * them before {@link HttpServerMeters}, read the missing meter: a NullPointerException, the request failed, and a
 * WARN in the log of a clean start (seen once in MainProcessTest, whose client knocks from the first moment). The
 * race itself cannot be made to happen on demand; this test gives the gateway's HTTP meters such a connection's
 * calls, in the order Vert.x makes them.
 */
class ConnectionsAcceptedBeforeMetersTest {
  private final GatewayMetrics metrics = new GatewayMetrics();
  private final Vertx vertx = metrics.buildVertx(new VertxOptions(), true);

  @AfterEach
  void close() {
    vertx.close().await();
    metrics.close();
  }

  @SuppressWarnings("unchecked")
  private HttpServerMetrics<Object, Object, Object> serverMeters() {
    return (HttpServerMetrics<Object, Object, Object>) ((VertxInternal) vertx).metrics()
        .createHttpServerMetrics(new HttpServerOptions(), SocketAddress.inetSocketAddress(8080, "127.0.0.1"));
  }

  @Test
  void aRequestOnAConnectionWithoutItsMeterIsAnsweredAndCounted() {
    HttpServerMetrics<Object, Object, Object> meters = serverMeters();
    Request request = new Request(SocketAddress.inetSocketAddress(40000, "127.0.0.1"));

    Object requestMetric = meters.requestBegin(null, request);
    meters.bytesRead(null, request.remoteAddress(), 100);
    meters.requestRouted(requestMetric, "/agents/heartbeat");
    meters.requestEnd(requestMetric, request, 100);
    meters.responseBegin(requestMetric, new Response(204));
    meters.responseEnd(requestMetric, new Response(204), 0);
    meters.bytesWritten(null, request.remoteAddress(), 60);
    meters.exceptionOccurred(null, request.remoteAddress(), new IllegalStateException("reset"));
    meters.disconnected(null, request.remoteAddress());

    Counter answered = metrics.registry().find("vertx.http.server.requests").tag("code", "204")
        .tag("route", "/agents/heartbeat").counter();
    assertEquals(1.0, answered == null ? 0 : answered.count(), "the request is counted with its route and status");
    Collection<Gauge> open = metrics.registry().find("vertx.http.server.active.connections").gauges();
    assertFalse(open.isEmpty(), "the connections gauge is there");
    assertTrue(open.stream().allMatch(gauge -> gauge.value() == 0), "no connection is left counted open");
  }

  private record Request(SocketAddress remoteAddress) implements HttpRequest {
    @Override
    public int id() {
      return 1;
    }

    @Override
    public String uri() {
      return "/agents/heartbeat";
    }

    @Override
    public String absoluteURI() {
      return "http://127.0.0.1:8080/agents/heartbeat";
    }

    @Override
    public HttpMethod method() {
      return HttpMethod.POST;
    }

    @Override
    public MultiMap headers() {
      return MultiMap.caseInsensitiveMultiMap();
    }
  }

  private record Response(int statusCode) implements HttpResponse {
    @Override
    public MultiMap headers() {
      return MultiMap.caseInsensitiveMultiMap();
    }
  }
}
