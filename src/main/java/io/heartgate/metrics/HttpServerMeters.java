package io.heartgate.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.spi.VertxMetricsFactory;
import io.vertx.core.spi.metrics.HttpServerMetrics;
import io.vertx.core.spi.metrics.VertxMetrics;
import io.vertx.core.spi.observability.HttpRequest;
import io.vertx.core.spi.observability.HttpResponse;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The HTTP listeners' meters, the {@code vertx_http_server_*} rows of the README's Metrics, under the names,
 * labels and descriptions vertx-micrometer-metrics gives them, made for a path that answers tens of thousands of
 * requests a second: each meter is looked up once per listener and method, or once per route and status, and a
 * request then only updates meters it holds. (vertx-micrometer built tags and looked up five meters in the
 * registry for every request: 6.8 % of the event loops' Java samples at 256 connections, against 1.6 %.) Vert.x
 * is asked for no other meters.
 * <p>
 * A connection Vert.x accepted before its listener had meters (5.0.10 makes them in a listener of the bind, which
 * can run after the first accept) has none of its own; its requests are counted like any other.
 */
final class HttpServerMeters implements VertxMetricsFactory {
  private static final String PREFIX = "vertx.http.server.";
  /**
   * The methods a method label may name; any other (a client may send any token as its method) is "other", so
   * that no client can add series.
   */
  private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");
  /** What a connection's meter is: the listener counts its connections, nothing is kept per connection. */
  private static final Object CONNECTION = new Object();

  private final MeterRegistry registry;
  /** By address: a listener bound again (or twice) counts on in the same meters. */
  private final ConcurrentMap<String, Listener> listeners = new ConcurrentHashMap<>();

  HttpServerMeters(MeterRegistry registry) {
    this.registry = registry;
  }

  @Override
  public VertxMetrics metrics(VertxOptions options) {
    return new VertxMetrics() {
      @Override
      public HttpServerMetrics<?, ?, ?> createHttpServerMetrics(HttpServerOptions server, SocketAddress local) {
        return listeners.computeIfAbsent(local == null ? "?" : local.toString(), Listener::new);
      }
    };
  }

  /** One listener's meters. */
  private final class Listener implements HttpServerMetrics<Request, Object, Object> {
    private final Tags local;
    private final LongAdder connections = new LongAdder();
    private final Counter bytesRead;
    private final Counter bytesWritten;
    private final Counter errors;
    private final ConcurrentMap<String, Method> methods = new ConcurrentHashMap<>();

    Listener(String address) {
      this.local = Tags.of("local", address);
      Gauge.builder(PREFIX + "active.connections", connections, LongAdder::doubleValue)
          .description("Number of opened connections to the server").tags(local).register(registry);
      bytesRead = Counter.builder(PREFIX + "bytes.read").description("Number of bytes received by the server")
          .tags(local).register(registry);
      bytesWritten = Counter.builder(PREFIX + "bytes.written").description("Number of bytes sent by the server")
          .tags(local).register(registry);
      errors = Counter.builder(PREFIX + "errors").description("Number of errors").tags(local).register(registry);
    }

    @Override
    public Object connected(SocketAddress remote, String remoteName) {
      connections.increment();
      return CONNECTION;
    }

    @Override
    public void disconnected(Object connection, SocketAddress remote) {
      if (connection != null) {
        connections.decrement();
      }
    }

    @Override
    public void bytesRead(Object connection, SocketAddress remote, long bytes) {
      bytesRead.increment(bytes);
    }

    @Override
    public void bytesWritten(Object connection, SocketAddress remote, long bytes) {
      bytesWritten.increment(bytes);
    }

    @Override
    public void exceptionOccurred(Object connection, SocketAddress remote, Throwable failure) {
      errors.increment();
    }

    @Override
    public Request requestBegin(Object connection, HttpRequest request) {
      String name = request.method().name();
      Method method = methods.computeIfAbsent(METHODS.contains(name) ? name : "other", this::method);
      method.active.increment();
      return new Request(method);
    }

    private Method method(String name) {
      return new Method(local.and("method", name));
    }

    @Override
    public void requestRouted(Request request, String route) {
      if (route != null) {
        // The last route the request passed through is the one that answered (a refusal passes its route twice,
        // /api/* checks every query first).
        request.route = route;
      }
    }

    @Override
    public void requestEnd(Request request, HttpRequest httpRequest, long bytes) {
      request.method.requestBytes.record(bytes);
      request.requestEnded = true;
      request.settleIfDone();
    }

    @Override
    public void requestReset(Request request) {
      request.method.resets.increment();
      request.reset = true;
      request.method.active.decrement();
    }

    @Override
    public void responseEnd(Request request, HttpResponse response, long bytes) {
      Answer answer = request.method.answer(request.route, response.statusCode());
      answer.requests.increment();
      answer.time.record(System.nanoTime() - request.startNanos, TimeUnit.NANOSECONDS);
      answer.bytes.record(bytes);
      request.responseEnded = true;
      request.settleIfDone();
    }
  }

  /** The meters of one listener and method. */
  private final class Method {
    final Tags tags;
    final LongAdder active = new LongAdder();
    final DistributionSummary requestBytes;
    final Counter resets;
    private final ConcurrentMap<RouteAndStatus, Answer> answers = new ConcurrentHashMap<>();

    Method(Tags tags) {
      this.tags = tags;
      Gauge.builder(PREFIX + "active.requests", active, LongAdder::doubleValue)
          .description("Number of requests being processed").tags(tags).register(registry);
      requestBytes = DistributionSummary.builder(PREFIX + "request.bytes").description("Size of requests in bytes")
          .tags(tags).register(registry);
      resets = Counter.builder(PREFIX + "request.resets").description("Number of request resets").tags(tags)
          .register(registry);
    }

    Answer answer(String route, int status) {
      return answers.computeIfAbsent(new RouteAndStatus(route, status), this::answerMeters);
    }

    private Answer answerMeters(RouteAndStatus key) {
      Tags answerTags = tags.and("route", key.route(), "code", Integer.toString(key.status()));
      return new Answer(
          Counter.builder(PREFIX + "requests").description("Number of processed requests").tags(answerTags)
              .register(registry),
          Timer.builder(PREFIX + "response.time").description("Request processing time").tags(answerTags)
              .register(registry),
          DistributionSummary.builder(PREFIX + "response.bytes").description("Size of responses in bytes")
              .tags(answerTags).register(registry));
    }
  }

  /** @param route the template of the route that answered, empty when none matched */
  private record RouteAndStatus(String route, int status) {
  }

  /** The meters of the answers of one listener, method, route and status. */
  private record Answer(Counter requests, Timer time, DistributionSummary bytes) {
  }

  /** A request being answered; it stops counting as active once both it and its answer ended, or it was reset. */
  private static final class Request {
    final Method method;
    final long startNanos = System.nanoTime();
    String route = "";
    boolean requestEnded;
    boolean responseEnded;
    boolean reset;

    Request(Method method) {
      this.method = method;
    }

    void settleIfDone() {
      if (requestEnded && responseEnded && !reset) {
        method.active.decrement();
      }
    }
  }
}
