package io.heartgate.metrics;

import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.metrics.MetricsOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A node's meters, in one Prometheus registry of its own (two nodes in one JVM, as in the tests, never share one):
 * the HTTP listeners' meters, the JVM's and the process's, and the gateway's own recorders. Scraped in the
 * Prometheus text format, after the few gauges that are read from the store (is it up, how many agents) were
 * refreshed, each at its own pace and within a bound.
 */
public final class GatewayMetrics implements AutoCloseable {
  /** The Prometheus text format that {@link #scrape} writes. */
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
  /** How long a scrape waits for the refreshers; beyond, it shows what they last found. */
  static final long REFRESH_WAIT_MS = 3_000;
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final List<Supplier<Future<?>>> refreshers = new CopyOnWriteArrayList<>();
  private JvmGcMetrics gc;

  /**
   * Builds the node's Vert.x, with the HTTP listeners' meters in this registry ({@link HttpServerMeters}, and no
   * other Vert.x meters) when {@code httpMeters}, and binds the JVM and process meters.
   */
  public Vertx buildVertx(VertxOptions options, boolean httpMeters) {
    bindJvmAndProcess();
    return httpMeters
        ? Vertx.builder().with(options.setMetricsOptions(new MetricsOptions().setEnabled(true)))
            .withMetrics(new HttpServerMeters(registry)).build()
        : Vertx.vertx(options);
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

  /** Releases what the JVM meters hold (the GC listeners). */
  @Override
  public void close() {
    if (gc != null) {
      gc.close();
    }
    registry.close();
  }
}
