package io.heartgate.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * Prepares a fresh gateway for the benchmark through its public API, as an operator would.
 *
 * <ul>
 *   <li>{@code tokens <apiPort> <n> <agents-file>}: creates the owner, then one {@code telegraf-agent} token per
 *       agent (concurrently) and writes {@code <agent-id> <token>} lines for the load generator.</li>
 *   <li>{@code register <apiPort> <heartbeatPort> <n> <tokens> <body-file>}: creates the owner and a few tokens, then
 *       registers n agents by sending each one heartbeat (all must answer 204). Prints one RESULT line.</li>
 *   <li>{@code summary <apiPort>}: logs in as that owner and times {@code GET /api/agents/summary}. Prints one
 *       RESULT line.</li>
 *   <li>{@code fleet-timings <apiPort> <agent-id> <search>}: logs in as that owner and times the summary, the first
 *       page by lastSeen, a search and one agent, and reads the token cache's size. Prints one RESULT line.</li>
 *   <li>{@code storm-setup <apiPort> <members>}: logs in as that owner and creates a constant, a config using it
 *       and an {@code agent_id} parameter, and a {@code telegraf-agent} token; for more than one member, also that
 *       many configs less one (each an {@code inputs.procstat} using a second constant), a config group of them all
 *       (the first config first) and a token that may read configs and groups. Prints one RESULT line with the
 *       config's id, the token and the path the storm downloads (the config's TOML, or the group's).</li>
 *   <li>{@code render-metrics <apiPort>}: logs in as that owner and prints the config download meters (see
 *       {@code metrics/ConfigRenderMeters}) in one RESULT line; "-" for those the gateway does not have.</li>
 *   <li>{@code use-tokens <apiPort> <tokens-file> <n>}: uses each of the first n tokens of the file once, by a
 *       {@code GET /api/configs} (a {@code configs:read} request that stores nothing; all must answer 200), as
 *       fast as the gateway answers them, then logs in as that owner and reads the token cache's size. Prints one
 *       RESULT line.</li>
 * </ul>
 */
public final class Provisioner {
  private static final String HOST = "127.0.0.1";
  private static final int CONCURRENCY = 32;
  private static final String OWNER = "{\"username\":\"bench-owner\",\"password\":\"bench-password-123\"}";

  private final Vertx vertx = Vertx.vertx();
  private final HttpClientAgent http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true),
      new PoolOptions().setHttp1MaxSize(CONCURRENCY));

  public static void main(String[] args) throws Exception {
    Provisioner p = new Provisioner();
    try {
      switch (args[0]) {
        case "tokens" -> p.tokens(Integer.parseInt(args[1]), Integer.parseInt(args[2]), Path.of(args[3]));
        case "register" -> p.register(Integer.parseInt(args[1]), Integer.parseInt(args[2]),
            Integer.parseInt(args[3]), Integer.parseInt(args[4]), Path.of(args[5]));
        case "summary" -> p.summary(Integer.parseInt(args[1]));
        case "fleet-timings" -> p.fleetTimings(Integer.parseInt(args[1]), args[2], args[3]);
        case "storm-setup" -> p.stormSetup(Integer.parseInt(args[1]), Integer.parseInt(args[2]));
        case "render-metrics" -> p.renderMetrics(Integer.parseInt(args[1]));
        case "use-tokens" -> p.useTokens(Integer.parseInt(args[1]), Path.of(args[2]), Integer.parseInt(args[3]));
        default -> throw new IllegalArgumentException("unknown command " + args[0]);
      }
    } finally {
      p.http.close().await(10, TimeUnit.SECONDS);
      p.vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  private void tokens(int apiPort, int n, Path agentsFile) throws Exception {
    long start = System.nanoTime();
    String cookie = setup(apiPort);
    String[] tokens = createTokens(apiPort, cookie, n, "bench-agent-");
    List<String> lines = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      lines.add(agentId("bench-agent-", i) + " " + tokens[i]);
    }
    Files.write(agentsFile, lines, StandardCharsets.US_ASCII);
    System.out.printf(Locale.ROOT, "provisioned %d agent tokens in %.1f s%n", n, seconds(start));
  }

  private void register(int apiPort, int heartbeatPort, int n, int tokenCount, Path bodyFile) throws Exception {
    String cookie = setup(apiPort);
    String[] tokens = createTokens(apiPort, cookie, tokenCount, "scale-token-");
    JsonObject template = new JsonObject(Buffer.buffer(Files.readAllBytes(bodyFile)));
    long start = System.nanoTime();
    run(n, i -> {
      String id = agentId("scale-agent-", i);
      Buffer body = template.copy().put("id", id).put("hostname", id + ".bench").toBuffer();
      return call(heartbeatPort, HttpMethod.POST, "/agents/heartbeat", "Authorization",
          "Bearer " + tokens[i % tokenCount], body).compose(r -> expect(r, 204, "heartbeat " + id));
    });
    System.out.printf(Locale.ROOT, "RESULT agents=%d register_s=%.1f%n", n, seconds(start));
  }

  private void useTokens(int apiPort, Path tokensFile, int n) throws Exception {
    List<String> tokens = Files.readAllLines(tokensFile, StandardCharsets.US_ASCII);
    if (tokens.size() < n) {
      throw new IllegalArgumentException(tokensFile + " holds " + tokens.size() + " tokens, not " + n);
    }
    long start = System.nanoTime();
    run(n, i -> call(apiPort, HttpMethod.GET, "/api/configs", "Authorization", "Bearer " + tokens.get(i).strip(),
        null).compose(r -> expect(r, 200, "GET /api/configs with token " + i)));
    double used = seconds(start);
    System.out.printf(Locale.ROOT, "RESULT tokens=%d use_s=%.1f grants_cached=%s%n", n, used,
        tokenCacheSize(apiPort, login(apiPort)));
  }

  /** Logs in as the owner and times GET /api/agents/summary five times. */
  private void summary(int apiPort) throws Exception {
    String cookie = login(apiPort);
    Timed summary = timed(apiPort, cookie, "/api/agents/summary");
    System.out.printf(Locale.ROOT, "RESULT summary_total=%d %s%n", summary.last.getLong("total"),
        summary.fields("summary"));
  }

  /**
   * Logs in as the owner and times, five times each: the summary, the first page of agents by lastSeen (newest
   * first), a search by an id prefix and one agent; also reads how many grants the token cache holds.
   */
  private void fleetTimings(int apiPort, String agentId, String searchPrefix) throws Exception {
    String cookie = login(apiPort);
    Timed summary = timed(apiPort, cookie, "/api/agents/summary");
    Timed list = timed(apiPort, cookie, "/api/agents?sortBy=lastSeen&sortOrder=desc");
    Timed search = timed(apiPort, cookie, "/api/agents?search=" + searchPrefix);
    Timed agent = timed(apiPort, cookie, "/api/agents/" + agentId);
    System.out.printf(Locale.ROOT, "RESULT summary_total=%d list_page=%d search_page=%d grants_cached=%s %s %s %s %s%n",
        summary.last.getLong("total"), list.last.getJsonArray("agents").size(),
        search.last.getJsonArray("agents").size(), tokenCacheSize(apiPort, cookie), summary.fields("summary"),
        list.fields("list"), search.fields("search"), agent.fields("agent"));
  }

  /** The token cache's entries as /metrics shows them (heartgate_token_cache_size); "-" when it shows none. */
  private String tokenCacheSize(int apiPort, String cookie) throws Exception {
    Reply metrics = call(apiPort, HttpMethod.GET, "/metrics", "Cookie", cookie, null).await(60, TimeUnit.SECONDS);
    check(metrics, 200, "metrics");
    return metrics.body.toString().lines().filter(l -> l.startsWith("heartgate_token_cache_size"))
        .map(l -> l.substring(l.lastIndexOf(' ') + 1)).findFirst().orElse("-");
  }

  /** Each further member of the storm's group: a process watched, at an interval from a constant. */
  private static final String STORM_MEMBER_TOML = """
      [[inputs.procstat]]
        pattern = "service-%d"
        interval = "::{storm_interval}"
        pid_tag = false
      """;

  /** A Telegraf config of about 1.5 KB, as agents of a fleet share it: one parameter, one constant. */
  private static final String STORM_TOML = """
      [agent]
        hostname = "&{agent_id}"
        interval = "10s"
        round_interval = true
        metric_batch_size = 1000
        metric_buffer_limit = 10000
        collection_jitter = "0s"
        flush_interval = "10s"
        flush_jitter = "0s"
        omit_hostname = false

      [[outputs.influxdb_v2]]
        urls = ["::{storm_influx_url}"]
        token = "${INFLUX_TOKEN}"
        organization = "fleet"
        bucket = "telegraf"

      [[outputs.heartbeat]]
        url = "http://127.0.0.1:8000/agents/heartbeat"
        instance_id = "&{agent_id}"
        token = "${TELEGRAF_CONTROLLER_TOKEN}"
        interval = "1m"
        include = ["hostname", "statistics", "configs"]

      [[inputs.cpu]]
        percpu = true
        totalcpu = true
        collect_cpu_time = false
        report_active = false

      [[inputs.disk]]
        ignore_fs = ["tmpfs", "devtmpfs", "devfs", "iso9660", "overlay", "aufs", "squashfs"]

      [[inputs.diskio]]

      [[inputs.kernel]]

      [[inputs.mem]]

      [[inputs.processes]]

      [[inputs.swap]]

      [[inputs.system]]

      [[inputs.net]]
        ignore_protocol_stats = true

      [[inputs.netstat]]
      """;

  private void stormSetup(int apiPort, int members) throws Exception {
    String cookie = login(apiPort);
    create(apiPort, cookie, "/api/constants", new JsonObject().put("name", "storm_influx_url")
        .put("value", "http://influx.example:8086"));
    String config = create(apiPort, cookie, "/api/configs", new JsonObject().put("name", "storm")
        .put("toml", STORM_TOML));
    String path = "/api/configs/" + config + "/toml";
    Object permissions = "telegraf-agent";
    if (members > 1) {
      create(apiPort, cookie, "/api/constants", new JsonObject().put("name", "storm_interval").put("value", "10s"));
      JsonArray ids = new JsonArray().add(config);
      for (int i = 2; i <= members; i++) {
        ids.add(create(apiPort, cookie, "/api/configs", new JsonObject().put("name", "storm-" + i)
            .put("toml", String.format(Locale.ROOT, STORM_MEMBER_TOML, i))));
      }
      path = "/api/config-groups/" + create(apiPort, cookie, "/api/config-groups", new JsonObject()
          .put("name", "storm").put("configIds", ids)) + "/toml";
      permissions = new JsonArray().add("configs:read").add("config-groups:read");
    }
    String token = createTokens(apiPort, cookie, 1, "storm-token-", permissions)[0];
    System.out.printf(Locale.ROOT, "RESULT config_id=%s token=%s path=%s%n", config, token, path);
  }

  /** Creates what {@code body} describes at {@code path}; its id. */
  private String create(int apiPort, String cookie, String path, JsonObject body) throws Exception {
    Reply created = call(apiPort, HttpMethod.POST, path, "Cookie", cookie, body.toBuffer())
        .await(60, TimeUnit.SECONDS);
    check(created, 201, path);
    return new JsonObject(created.body).getString("id");
  }

  /** The render cache's lookups, the reads of the store for downloads and the downloads by result. */
  private void renderMetrics(int apiPort) throws Exception {
    String cookie = login(apiPort);
    Reply metrics = call(apiPort, HttpMethod.GET, "/metrics", "Cookie", cookie, null).await(60, TimeUnit.SECONDS);
    check(metrics, 200, "metrics");
    List<String> lines = metrics.body.toString().lines().filter(l -> !l.startsWith("#")).toList();
    System.out.printf(Locale.ROOT, "RESULT cache_hits=%s cache_misses=%s cache_bytes=%s store_reads=%s "
            + "downloads_ok=%s downloads_refused=%s%n",
        sum(lines, "heartgate_config_render_cache_lookups_total", "result=\"hit\""),
        sum(lines, "heartgate_config_render_cache_lookups_total", "result=\"miss\""),
        sum(lines, "heartgate_config_render_cache_bytes", ""),
        subtract(sum(lines, "heartgate_config_render_store_reads_total", ""),
            sum(lines, "heartgate_config_render_store_reads_total", "of=\"toml\"")),
        sum(lines, "heartgate_config_downloads_total", "result=\"ok\""),
        subtract(sum(lines, "heartgate_config_downloads_total", ""),
            sum(lines, "heartgate_config_downloads_total", "result=\"ok\"")));
  }

  /** The sum of the samples of the meter whose labels hold {@code label}; "-" when it has none. */
  private static String sum(List<String> lines, String name, String label) {
    double sum = 0;
    boolean found = false;
    for (String line : lines) {
      if ((line.startsWith(name + "{") || line.startsWith(name + " ")) && line.contains(label)) {
        sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        found = true;
      }
    }
    return found ? String.format(Locale.ROOT, "%.0f", sum) : "-";
  }

  private static String subtract(String a, String b) {
    return a.equals("-") || b.equals("-") ? "-"
        : String.format(Locale.ROOT, "%.0f", Double.parseDouble(a) - Double.parseDouble(b));
  }

  /** The first of five calls and their median, in ms, and the last answer. */
  private record Timed(double firstMs, double medianMs, JsonObject last) {
    String fields(String name) {
      return String.format(Locale.ROOT, "%s_first_ms=%.1f %s_median_ms=%.1f", name, firstMs, name, medianMs);
    }
  }

  private Timed timed(int apiPort, String cookie, String uri) throws Exception {
    double[] ms = new double[5];
    JsonObject last = null;
    for (int i = 0; i < ms.length; i++) {
      long t = System.nanoTime();
      Reply reply = call(apiPort, HttpMethod.GET, uri, "Cookie", cookie, null).await(120, TimeUnit.SECONDS);
      ms[i] = (System.nanoTime() - t) / 1e6;
      check(reply, 200, uri);
      last = new JsonObject(reply.body);
    }
    double first = ms[0];
    Arrays.sort(ms);
    return new Timed(first, ms[ms.length / 2], last);
  }

  private String login(int apiPort) throws Exception {
    Reply login = call(apiPort, HttpMethod.POST, "/api/auth/login/local", null, null, Buffer.buffer(OWNER))
        .await(60, TimeUnit.SECONDS);
    check(login, 200, "login");
    return sessionCookie(login);
  }

  private String setup(int apiPort) throws Exception {
    Reply reply = call(apiPort, HttpMethod.POST, "/api/auth/setup", null, null, Buffer.buffer(OWNER))
        .await(60, TimeUnit.SECONDS);
    check(reply, 201, "owner setup");
    return sessionCookie(reply);
  }

  private static String sessionCookie(Reply reply) {
    return reply.cookies.stream().map(c -> c.split(";", 2)[0]).filter(c -> c.startsWith("heartgate_session="))
        .findFirst().orElseThrow(() -> new IllegalStateException("setup answered without a session cookie"));
  }

  private String[] createTokens(int apiPort, String cookie, int n, String prefix) throws Exception {
    return createTokens(apiPort, cookie, n, prefix, "telegraf-agent");
  }

  /** @param permissions a preset's name, or a JsonArray of permissions */
  private String[] createTokens(int apiPort, String cookie, int n, String prefix, Object permissions)
      throws Exception {
    String[] tokens = new String[n];
    run(n, i -> {
      Buffer body = new JsonObject().put("name", agentId(prefix, i)).put("permissions", permissions).toBuffer();
      return call(apiPort, HttpMethod.POST, "/api/tokens", "Cookie", cookie, body)
          .compose(r -> expect(r, 201, "token " + i))
          .onSuccess(r -> tokens[i] = new JsonObject(r.body).getString("token"))
          .mapEmpty();
    });
    return tokens;
  }

  /** Runs n calls with at most CONCURRENCY in flight; fails on the first failure. */
  private void run(int n, IntFunction<Future<?>> call) throws Exception {
    AtomicInteger next = new AtomicInteger();
    AtomicInteger done = new AtomicInteger();
    Promise<Void> all = Promise.promise();
    Runnable[] worker = new Runnable[1];
    worker[0] = () -> {
      int i = next.getAndIncrement();
      if (i >= n) {
        return;
      }
      call.apply(i).onComplete(r -> {
        if (r.failed()) {
          all.tryFail(r.cause());
        } else if (done.incrementAndGet() == n) {
          all.tryComplete();
        } else {
          worker[0].run();
        }
      });
    };
    if (n == 0) {
      return;
    }
    for (int c = 0; c < Math.min(CONCURRENCY, n); c++) {
      vertx.runOnContext(v -> worker[0].run());
    }
    all.future().toCompletionStage().toCompletableFuture().get(30, TimeUnit.MINUTES);
  }

  private record Reply(int status, Buffer body, List<String> cookies) {
  }

  private Future<Reply> call(int port, HttpMethod method, String uri, String header, String value, Buffer body) {
    RequestOptions options = new RequestOptions().setHost(HOST).setPort(port).setMethod(method).setURI(uri);
    if (header != null) {
      options.putHeader(header, value);
    }
    if (body != null) {
      options.putHeader("Content-Type", "application/json");
    }
    return http.request(options)
        .compose(request -> body == null ? request.send() : request.send(body))
        .compose(response -> response.body().map(b -> new Reply(response.statusCode(), b, response.cookies())));
  }

  private static void check(Reply reply, int status, String what) {
    if (reply.status != status) {
      throw new IllegalStateException(what + ": expected " + status + ", got " + reply.status + " " + reply.body);
    }
  }

  private static Future<Reply> expect(Reply reply, int status, String what) {
    return reply.status == status ? Future.succeededFuture(reply)
        : Future.failedFuture(what + ": expected " + status + ", got " + reply.status + " " + reply.body);
  }

  private static String agentId(String prefix, int i) {
    return String.format(Locale.ROOT, "%s%06d", prefix, i + 1);
  }

  private static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }

  static {
    // Quiet Netty's and Vert.x's startup chatter in the benchmark's output.
    java.util.logging.Logger.getLogger("io.netty").setLevel(java.util.logging.Level.WARNING);
  }
}
