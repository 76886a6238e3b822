package io.heartgate.bench;

import io.vertx.core.AbstractVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.io.BufferedReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * Open-loop heartbeat load for the fleet scenario: N agents, agent i with the token on line i of a file and the id
 * {@code fleet-agent-0000001} and on, each sending POST /agents/heartbeat with the {@code all} fixture (its id and
 * hostname replaced) in turn, at a constant total rate, whatever the answers' latency. Each request has an intended
 * send time on that schedule and its latency is measured from it, so a slow answer delays no later request's
 * clock (no coordinated omission): a request waiting for a free connection waits on the clock.
 *
 * <p>Usage: {@code FleetLoad <heartbeatPort> <tokens-file> <body-file> <agents> <rate/s> <seconds> <connections>
 * [<threads> [<warm-up seconds>]]}: the schedule runs for warm-up + seconds, and only requests meant to be sent
 * after the warm-up are measured (the warm-up lets the JIT compile both sides). Prints one RESULT line: of the
 * measured requests, those sent, 2xx, non-2xx, failed (no answer: connection error or 30 s without one), the 2xx
 * per second, the latency percentiles in µs; the 2xx and the errors of the warm-up; and how late the scheduler
 * itself sent.
 */
public final class FleetLoad {
  static final String AGENT_PREFIX = "fleet-agent-";
  private static final String HOST = "127.0.0.1";
  private static final long TIMEOUT_MS = 30_000;
  private static final long HIGHEST_US = TimeUnit.SECONDS.toMicros(120);
  /**
   * Seconds a pooled connection may sit unused: below the gateway's REQUEST_HEADER_TIMEOUT_SECONDS (10 by
   * default), so that the client never sends on a connection the gateway is closing for silence at that moment.
   */
  private static final int KEEP_ALIVE_SECONDS = 5;
  /** Failures whose cause is printed (to standard error), per event loop. */
  private static final int FAILURES_SHOWN = 5;

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    int agents = Integer.parseInt(args[3]);
    double rate = Double.parseDouble(args[4]);
    int seconds = Integer.parseInt(args[5]);
    int connections = Integer.parseInt(args[6]);
    int threads = args.length > 7 ? Integer.parseInt(args[7]) : 2;
    int warmup = args.length > 8 ? Integer.parseInt(args[8]) : 0;
    String[] tokens = tokens(Path.of(args[1]), agents);
    Body body = Body.of(Files.readString(Path.of(args[2])));

    Vertx vertx = Vertx.vertx();
    List<Sender> senders = new ArrayList<>();
    List<Future<String>> deployed = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      Sender sender = new Sender(port, tokens, body, rate, warmup, seconds, i, threads,
          Math.max(1, connections / threads));
      senders.add(sender);
      deployed.add(vertx.deployVerticle(sender, new DeploymentOptions()));
    }
    // Deployed and warmed up (see Sender.start): the schedule starts now, for every sender alike.
    Future.all(deployed).await(60, TimeUnit.SECONDS);
    long start = System.nanoTime();
    senders.forEach(sender -> sender.begin(start));
    Future.all(senders.stream().map(s -> s.done.future()).toList())
        .await(warmup + seconds + TIMEOUT_MS / 1000 + 60, TimeUnit.SECONDS);
    vertx.close().await(30, TimeUnit.SECONDS);

    Histogram latency = new Histogram(HIGHEST_US, 3);
    long sent = 0;
    long acked = 0;
    long non2xx = 0;
    long failed = 0;
    long warmupAcked = 0;
    long warmupErrors = 0;
    long maxLagUs = 0;
    for (Sender s : senders) {
      latency.add(s.latency);
      sent += s.sent;
      acked += s.acked;
      non2xx += s.non2xx;
      failed += s.failed;
      warmupAcked += s.warmupAcked;
      warmupErrors += s.warmupErrors;
      maxLagUs = Math.max(maxLagUs, s.maxLagNanos / 1000);
    }
    System.out.printf(Locale.ROOT, "RESULT agents=%d target_rate=%.1f seconds=%d sent=%d acked=%d non2xx=%d "
            + "failed=%d acked_rate=%.1f p50_us=%d p99_us=%d p999_us=%d max_us=%d warmup_s=%d warmup_acked=%d "
            + "warmup_errors=%d max_send_lag_us=%d%n",
        agents, rate, seconds, sent, acked, non2xx, failed, acked / (double) seconds,
        latency.getValueAtPercentile(50), latency.getValueAtPercentile(99), latency.getValueAtPercentile(99.9),
        latency.getMaxValue(), warmup, warmupAcked, warmupErrors, maxLagUs);
  }

  /** The first n lines of the file, one token each. */
  private static String[] tokens(Path file, int n) throws Exception {
    String[] tokens = new String[n];
    try (BufferedReader lines = Files.newBufferedReader(file, StandardCharsets.US_ASCII)) {
      for (int i = 0; i < n; i++) {
        String line = lines.readLine();
        if (line == null) {
          throw new IllegalArgumentException(file + " holds " + i + " tokens, fewer than " + n + " agents");
        }
        tokens[i] = "Bearer " + line.strip();
      }
    }
    return tokens;
  }

  static String agentId(int index) {
    return String.format(Locale.ROOT, "%s%07d", AGENT_PREFIX, index + 1);
  }

  /** The fixture cut around its id and hostname, so that an agent's body costs three copies, not a JSON edit. */
  private record Body(byte[] head, byte[] middle, byte[] tail) {
    static Body of(String fixture) {
      String id = "\"id\": \"telegraf\"";
      String hostname = "\"hostname\": \"myhost\"";
      int idAt = fixture.indexOf(id);
      int hostAt = fixture.indexOf(hostname);
      if (idAt < 0 || hostAt < idAt) {
        throw new IllegalArgumentException("the fixture lacks " + id + " followed by " + hostname);
      }
      return new Body(bytes(fixture.substring(0, idAt) + "\"id\": \""),
          bytes("\"" + fixture.substring(idAt + id.length(), hostAt) + "\"hostname\": \""),
          bytes(".bench\"" + fixture.substring(hostAt + hostname.length())));
    }

    Buffer forAgent(String agentId) {
      byte[] id = bytes(agentId);
      return Buffer.buffer(head.length + middle.length + tail.length + 2 * id.length)
          .appendBytes(head).appendBytes(id).appendBytes(middle).appendBytes(id).appendBytes(tail);
    }

    private static byte[] bytes(String text) {
      return text.getBytes(StandardCharsets.UTF_8);
    }
  }

  /**
   * One event loop's share of the schedule: requests slot, slot + threads, … of the whole, each at its intended
   * time. A 1 ms timer sends whatever has come due; the Vert.x client queues a request until a connection is free.
   */
  private static final class Sender extends AbstractVerticle {
    private final int port;
    private final String[] tokens;
    private final Body body;
    private final long warmupNanos;
    private final long durationNanos;
    private final double intervalNanos;
    private final long offsetNanos;
    private final int slot;
    private final int threads;
    private final int connections;
    private final Promise<Void> done = Promise.promise();
    private final Histogram latency = new Histogram(HIGHEST_US, 3);
    private HttpClientAgent client;
    private long start;
    private long measuredFrom;
    private long end;
    private long timer;
    private long next;
    private long sent;
    private long acked;
    private long non2xx;
    private long failed;
    private long warmupAcked;
    private long warmupErrors;
    private long issued;
    private long answered;
    private long maxLagNanos;
    private boolean stopped;

    Sender(int port, String[] tokens, Body body, double rate, int warmup, int seconds, int slot, int threads,
        int connections) {
      this.port = port;
      this.tokens = tokens;
      this.body = body;
      this.warmupNanos = TimeUnit.SECONDS.toNanos(warmup);
      this.durationNanos = TimeUnit.SECONDS.toNanos(seconds);
      this.intervalNanos = threads * 1e9 / rate;
      this.offsetNanos = (long) (slot * 1e9 / rate);
      this.slot = slot;
      this.threads = threads;
      this.connections = connections;
    }

    /**
     * Creates the client and sends one request that changes nothing (a GET the heartbeat listener answers 404 or
     * 405), so that loading the client's classes and the first connection are not charged to the schedule.
     */
    @Override
    public void start(Promise<Void> started) {
      client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true)
              .setKeepAliveTimeout(KEEP_ALIVE_SECONDS),
          new PoolOptions().setHttp1MaxSize(connections));
      client.request(new RequestOptions().setHost(HOST).setPort(port).setURI("/agents/heartbeat"))
          .compose(request -> request.send())
          .compose(response -> response.end())
          .onComplete(started);
    }

    /** Starts the schedule at that instant (System.nanoTime). */
    void begin(long startNanos) {
      context.runOnContext(ignored -> {
        start = startNanos;
        measuredFrom = startNanos + warmupNanos;
        end = measuredFrom + durationNanos;
        timer = vertx.setPeriodic(1, id -> sendDue());
      });
    }

    private long intended(long n) {
      return start + offsetNanos + (long) (n * intervalNanos);
    }

    private void sendDue() {
      long now = System.nanoTime();
      while (intended(next) <= now && intended(next) < end) {
        send(next, intended(next), now);
        next++;
      }
      if (intended(next) >= end) {
        vertx.cancelTimer(timer);
        stopped = true;
        finishIfIdle();
      }
    }

    private void send(long n, long intendedAt, long now) {
      maxLagNanos = Math.max(maxLagNanos, now - intendedAt);
      int agent = (int) ((n * threads + slot) % tokens.length);
      boolean measured = intendedAt >= measuredFrom;
      issued++;
      if (measured) {
        sent++;
      }
      RequestOptions options = new RequestOptions().setHost(HOST).setPort(port).setMethod(HttpMethod.POST)
          .setURI("/agents/heartbeat").setIdleTimeout(TIMEOUT_MS)
          .putHeader("Authorization", tokens[agent])
          .putHeader("Content-Type", "application/json")
          .putHeader("User-Agent", "Telegraf/1.37.0");
      client.request(options)
          .compose(request -> request.send(body.forAgent(agentId(agent))))
          .compose(response -> response.end().map(response.statusCode()))
          .onComplete(answer -> {
            answered++;
            if (answer.failed() && warmupErrors + failed < FAILURES_SHOWN) {
              System.err.println("heartbeat of " + agentId(agent) + " failed: " + answer.cause());
            }
            boolean ok = answer.succeeded() && answer.result() / 100 == 2;
            if (!measured) {
              if (ok) {
                warmupAcked++;
              } else {
                warmupErrors++;
              }
            } else {
              latency.recordValue(Math.min(HIGHEST_US, (System.nanoTime() - intendedAt) / 1000));
              if (ok) {
                acked++;
              } else if (answer.failed()) {
                failed++;
              } else {
                non2xx++;
              }
            }
            finishIfIdle();
          });
    }

    private void finishIfIdle() {
      if (stopped && answered == issued) {
        client.close().onComplete(ignored -> done.tryComplete());
      }
    }
  }
}
