package io.heartgate.bench;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Open-loop config download load for the storm scenario ({@link OpenLoop}): a fleet restarting (every agent fetches
 * its config once, with its own {@code agent_id}, within a second or so), then the fleet watching (every agent
 * sends HEAD with {@code If-Modified-Since} once a period, as Telegraf's URL watcher does).
 *
 * <p>Usage: {@code StormLoad <apiPort> <token> <configPath> <getAgents> <getSeconds> <headRate> <headAgents>
 * <headSeconds> <connections> <threads> <warmupSeconds>}. Phases: a warm-up of GETs by other agents at up to 1,000/s
 * (for the JIT; not measured); GETs by agents {@code storm-agent-0000001} … {@code getAgents}, at getAgents /
 * getSeconds a second; then HEAD polls at headRate a second for headSeconds, agent after agent of headAgents. Prints
 * one RESULT line per measured phase: requests sent, 2xx, 304, other answers, failed (no answer), the seconds
 * from the phase's start to its last answer and the answers per second over them, the latency percentiles in µs
 * from each request's intended send time, and how late the scheduler sent.
 */
public final class StormLoad {
  private static final int WARMUP_RATE = 1_000;

  public static void main(String[] args) throws Exception {
    int apiPort = Integer.parseInt(args[0]);
    String authorization = "Token " + args[1];
    String path = args[2];
    int getAgents = Integer.parseInt(args[3]);
    int getSeconds = Integer.parseInt(args[4]);
    double headRate = Double.parseDouble(args[5]);
    int headAgents = Integer.parseInt(args[6]);
    int headSeconds = Integer.parseInt(args[7]);
    int connections = Integer.parseInt(args[8]);
    int threads = Integer.parseInt(args[9]);
    int warmup = Integer.parseInt(args[10]);
    // A download by an agent of its own, before each phase's schedule starts.
    RequestOptions probe = new RequestOptions().setURI(path + "?agent_id=storm-probe")
        .putHeader("Authorization", authorization);

    Vertx vertx = Vertx.vertx();
    try {
      if (warmup > 0) {
        OpenLoop.Result warm = OpenLoop.run(vertx, apiPort, probe, downloads(HttpMethod.GET, path, authorization,
            "storm-warm-", Integer.MAX_VALUE, null), Math.min(WARMUP_RATE, getAgents), warmup, 0, connections, threads);
        if (warm.warmupErrors > 0) {
          throw new IllegalStateException(warm.warmupErrors + " downloads of the warm-up failed");
        }
      }
      OpenLoop.Result get = OpenLoop.run(vertx, apiPort, probe, downloads(HttpMethod.GET, path, authorization,
          "storm-agent-", getAgents, null), getAgents / (double) getSeconds, 0, getSeconds, connections, threads);
      print("get", get, getAgents, getAgents / (double) getSeconds, getSeconds);
      String lastModified = lastModified(vertx, apiPort, probe);
      OpenLoop.Result head = OpenLoop.run(vertx, apiPort, probe, downloads(HttpMethod.HEAD, path, authorization,
          "storm-agent-", headAgents, lastModified), headRate, 0, headSeconds, connections, threads);
      print("head", head, headAgents, headRate, headSeconds);
    } finally {
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }

  /** Download i by agent {@code prefix} (i mod agents) + 1; conditional when {@code ifModifiedSince} is given. */
  private static OpenLoop.Requests downloads(HttpMethod method, String path, String authorization, String prefix,
      int agents, String ifModifiedSince) {
    return i -> {
      RequestOptions options = new RequestOptions().setMethod(method)
          .setURI(path + "?agent_id=" + String.format(Locale.ROOT, "%s%07d", prefix, i % agents + 1))
          .putHeader("Authorization", authorization)
          .putHeader("User-Agent", "Telegraf/1.37.0");
      return ifModifiedSince == null ? options : options.putHeader("If-Modified-Since", ifModifiedSince);
    };
  }

  /** The document's Last-Modified, as a watcher took it from its start-up fetch. */
  private static String lastModified(Vertx vertx, int apiPort, RequestOptions probe) throws TimeoutException {
    HttpClientAgent client = vertx.createHttpClient();
    try {
      return client.request(new RequestOptions(probe).setHost(OpenLoop.HOST).setPort(apiPort))
          .compose(request -> request.send())
          .compose(response -> response.end().map(ignored -> response.getHeader("Last-Modified")))
          .await(30, TimeUnit.SECONDS);
    } finally {
      client.close().await(10, TimeUnit.SECONDS);
    }
  }

  private static void print(String phase, OpenLoop.Result r, int agents, double rate, int seconds) {
    System.out.printf(Locale.ROOT, "RESULT phase=%s agents=%d target_rate=%.1f seconds=%d sent=%d ok=%d "
            + "not_modified=%d other=%d failed=%d answered_s=%.2f answered_rate=%.1f p50_us=%d p99_us=%d "
            + "p999_us=%d max_us=%d max_send_lag_us=%d%n",
        phase, agents, rate, seconds, r.sent, r.ok, r.notModified, r.other, r.failed,
        r.spanNanos / 1e9, (r.ok + r.notModified + r.other) / (r.spanNanos / 1e9), r.percentileUs(50),
        r.percentileUs(99), r.percentileUs(99.9), r.latency.getMaxValue(), r.maxLagNanos / 1000);
  }
}
