package io.heartgate.metrics;

import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.backends.BackendRegistries;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A node's meters, in one Prometheus registry of its own (two nodes in one JVM, as in the tests, never share one):
 * Vert.x's HTTP server meters, the JVM's and the process's, and the gateway's own recorders. Scraped in the
 * Prometheus text format, after the few gauges that are read from the store (is it up, how many agents) were
 * refreshed, each at its own pace and within a bound.
 */
public final class GatewayMetrics implements AutoCloseable {
  /** The Prometheus text format that {@link #scrape} writes. */
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
  /** How long a scrape waits for the refreshers; beyond, it shows what they last found. */
  static final long REFRESH_WAIT_MS = 3_000;
  /** The Vert.x metrics category of the SQL clients (they have no {@link MetricsDomain}). */
  private static final String SQL_CLIENTS = "sql";
  /**
   * HTTP request meters are labelled by method, status, route (the template of the route that answered, such as
   * {@code /api/agents/:id}, never the path with its ids; empty when none matched) and the listener's own
   * address; never by the client's address or the raw path. The registry ignores these label names on every
   * other meter, so the gateway's own labels avoid them.
   */
  private static final EnumSet<Label> HTTP_LABELS = EnumSet.of(Label.HTTP_METHOD, Label.HTTP_CODE, Label.HTTP_ROUTE,
      Label.LOCAL);
  /**
   * The methods a method label may name; any other (a client may send any token as its method) is "other", so
   * that no client can add series.
   */
  private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  /** Vert.x keeps its registries by name, JVM-wide: one name per node. */
  private final String vertxRegistryName = "heartgate-" + UUID.randomUUID();
  private final List<Supplier<Future<?>>> refreshers = new CopyOnWriteArrayList<>();
  private JvmGcMetrics gc;

  /**
   * Builds the node's Vert.x, with its HTTP server meters in this registry (and no other Vert.x meters) when
   * {@code httpMeters}, then binds the JVM and process meters; in that order, because Vert.x installs its label
   * filters on the registry and a filter must come before the meters it applies to.
   */
  public Vertx buildVertx(VertxOptions options, boolean httpMeters) {
    if (!httpMeters) {
      bindJvmAndProcess();
      return Vertx.vertx(options);
    }
    // Vert.x joins the routes a request passed through with '>' (the query check of /api/*, a refusal's second
    // pass through its route): the last one is the route that answered, and the one worth a label.
    registry.config().meterFilter(MeterFilter.replaceTagValues(Label.HTTP_ROUTE.toString(),
        route -> route.substring(route.lastIndexOf('>') + 1)));
    registry.config().meterFilter(MeterFilter.replaceTagValues(Label.HTTP_METHOD.toString(),
        method -> METHODS.contains(method) ? method : "other"));
    MicrometerMetricsOptions metrics = new MicrometerMetricsOptions()
        .setEnabled(true)
        .setRegistryName(vertxRegistryName)
        .setLabels(EnumSet.copyOf(HTTP_LABELS));
    for (MetricsDomain domain : MetricsDomain.values()) {
      if (domain != MetricsDomain.HTTP_SERVER) {
        metrics.addDisabledMetricsCategory(domain);
      }
    }
    // The SQL clients' meters would lose their only distinguishing labels to the filters above, and cost every
    // query.
    metrics.addDisabledMetricsCategory(SQL_CLIENTS);
    Vertx vertx = Vertx.builder()
        .with(options.setMetricsOptions(metrics))
        .withMetrics(new EarlyConnectionMeters(new MicrometerMetricsFactory(registry)))
        .build();
    bindJvmAndProcess();
    return vertx;
  }

  private void bindJvmAndProcess() {
    new JvmMemoryMetrics().bindTo(registry);
    gc = new JvmGcMetrics();
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
  }

  /** Where the recorders register their meters. */
  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** Runs before each scrape, which waits for it (within a bound); it should do its own pacing. */
  public void beforeEachScrape(Supplier<Future<?>> refresher) {
    refreshers.add(refresher);
  }

  /**
   * Every meter in the Prometheus text format: refreshers first (their failures only leave their gauges as they
   * were), then the text is written on a worker thread, so the event loops never spend a scrape's time.
   */
  public Future<String> scrape(Vertx vertx) {
    List<Future<?>> refreshed = new ArrayList<>(refreshers.size());
    for (Supplier<Future<?>> refresher : refreshers) {
      Future<?> refresh;
      try {
        refresh = refresher.get();
      } catch (RuntimeException e) {
        refresh = Future.failedFuture(e);
      }
      refreshed.add(refresh.timeout(REFRESH_WAIT_MS, TimeUnit.MILLISECONDS));
    }
    return Future.join(refreshed).transform(ignored -> vertx.executeBlocking(registry::scrape, false));
  }

  /** Releases what the JVM meters hold (the GC listeners) and the Vert.x registry name. */
  @Override
  public void close() {
    if (gc != null) {
      gc.close();
    }
    BackendRegistries.stop(vertxRegistryName);
    registry.close();
  }
}
