package io.heartgate.bench;

import io.vertx.core.AbstractVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.HdrHistogram.Histogram;

/**
 * An open-loop HTTP load, shared by the benchmark's generators: requests at a constant total rate, whatever the
 * answers' latency, spread over a few event loops. Each request has an intended send time on that schedule and its
 * latency is measured from it, so a slow answer delays no later request's clock (no coordinated omission): a
 * request waiting for a free connection waits on the clock. Only requests meant to be sent after the warm-up are
 * measured (the warm-up lets the JIT compile both sides).
 */
final class OpenLoop {
  static final String HOST = "127.0.0.1";
  private static final long TIMEOUT_MS = 30_000;
  private static final long HIGHEST_US = TimeUnit.SECONDS.toMicros(120);
  /** Requests a sender lets wait per connection before it sheds the schedule's next ones. */
  private static final int OUTSTANDING_PER_CONNECTION = 32;
  /**
   * Seconds a pooled connection may sit unused: below the gateway's KEEP_ALIVE_SECONDS (2 by default), so that the
   * client never sends on a connection the gateway is closing for silence at that moment. (At 5 s, a fleet run of
   * 1,667 heartbeats a second over 256 connections lost 11 of 100,000 to that race.)
   */
  private static final int KEEP_ALIVE_SECONDS = 1;
  /** Failures whose cause is printed (to standard error), per event loop. */
  private static final int FAILURES_SHOWN = 5;

  /** Request {@code i} of the schedule (numbered from 0 over all event loops): its method, URI and headers. */
  interface Requests {
    RequestOptions options(long i);

    /** Its body; null for none. */
    default Buffer body(long i) {
      return null;
    }

    /**
     * Whether request {@code i} repeats an earlier one's sender (an agent heartbeating again), whose latency is then
     * also kept apart: what a target that has met all of them does, past the cost of meeting them.
     */
    default boolean repeat(long i) {
      return false;
    }
  }

  /** What the measured requests got, and the warm-up's answers; merged over the event loops. */
  static final class Result {
    /** Seconds of schedule whose worst latency is kept; later ones count in the last. */
    static final int SECONDS_TRACKED = 3_600;
    final Histogram latency = new Histogram(HIGHEST_US, 3);
    /** The latency of the measured requests that {@link Requests#repeat} an earlier one's sender. */
    final Histogram repeatLatency = new Histogram(HIGHEST_US, 3);
    long sent;
    long ok;
    /** 304 answers: a conditional request whose document did not change. */
    long notModified;
    /** Answers other than 2xx and 304. */
    long other;
    /** No answer: a connection error, or 30 s without one. */
    long failed;
    /**
     * Not sent: that many requests already waited for an answer or a connection (see {@link
     * #OUTSTANDING_PER_CONNECTION}); the target cannot keep up with the rate, and queueing more would only make the
     * generator run out of memory.
     */
    long shed;
    long warmupOk;
    long warmupErrors;
    long maxLagNanos;
    /** From the start of the schedule (warm-up included) to the last answer. */
    long spanNanos;
    /** The worst latency (µs) of the requests meant to go out in each second of the schedule, warm-up included. */
    final long[] worstUsBySecond = new long[SECONDS_TRACKED];

    private void add(Result r) {
      latency.add(r.latency);
      repeatLatency.add(r.repeatLatency);
      sent += r.sent;
      ok += r.ok;
      notModified += r.notModified;
      other += r.other;
      failed += r.failed;
      shed += r.shed;
      warmupOk += r.warmupOk;
      warmupErrors += r.warmupErrors;
      maxLagNanos = Math.max(maxLagNanos, r.maxLagNanos);
      spanNanos = Math.max(spanNanos, r.spanNanos);
      for (int second = 0; second < SECONDS_TRACKED; second++) {
        worstUsBySecond[second] = Math.max(worstUsBySecond[second], r.worstUsBySecond[second]);
      }
    }

    /** The seconds of the schedule whose worst latency passed {@code thresholdUs}, as "second:ms" pairs. */
    String slowSeconds(long thresholdUs) {
      StringBuilder slow = new StringBuilder();
      for (int second = 0; second < SECONDS_TRACKED; second++) {
        if (worstUsBySecond[second] > thresholdUs) {
          slow.append(' ').append(second).append(':').append(worstUsBySecond[second] / 1000);
        }
      }
      return slow.toString();
    }

    long percentileUs(double percentile) {
      return latency.getValueAtPercentile(percentile);
    }

    long repeatPercentileUs(double percentile) {
      return repeatLatency.getValueAtPercentile(percentile);
    }
  }

  private OpenLoop() {
  }

  /**
   * Runs the schedule on {@code vertx}: {@code rate} requests a second to {@code port} for warm-up + seconds, over
   * {@code connections} connections (shared out among {@code threads} event loops). Each event loop first sends
   * {@code probe} (a request that changes nothing), whatever its answer, so that loading the client's classes and
   * the first connection are not charged to the schedule.
   */
  static Result run(Vertx vertx, int port, RequestOptions probe, Requests requests, double rate, int warmupSeconds,
      int seconds, int connections, int threads) throws TimeoutException {
    return run(vertx, port, probe, requests, rate, warmupSeconds, seconds, connections, threads, true);
  }

  /**
   * As above; without {@code keepAlive} every request opens a connection of its own, closed after its answer (at
   * most {@code connections} at once), as agents that send once a minute do: the gateway closes a connection idle
   * for KEEP_ALIVE_SECONDS.
   */
  static Result run(Vertx vertx, int port, RequestOptions probe, Requests requests, double rate, int warmupSeconds,
      int seconds, int connections, int threads, boolean keepAlive) throws TimeoutException {
    List<Sender> senders = new ArrayList<>();
    List<Future<String>> deployed = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      Sender sender = new Sender(port, probe, requests, rate, warmupSeconds, seconds, i, threads,
          Math.max(1, connections / threads), keepAlive);
      senders.add(sender);
      deployed.add(vertx.deployVerticle(sender, new DeploymentOptions()));
    }
    Future.all(deployed).await(60, TimeUnit.SECONDS);
    // Deployed and warmed up: the schedule starts now, for every sender alike.
    long start = System.nanoTime();
    senders.forEach(sender -> sender.begin(start));
    Future.all(senders.stream().map(s -> s.done.future()).toList())
        .await(warmupSeconds + seconds + TIMEOUT_MS / 1000 + 60, TimeUnit.SECONDS);
    Future.all(deployed.stream().map(id -> vertx.undeploy(id.result())).toList()).await(30, TimeUnit.SECONDS);
    Result all = new Result();
    senders.forEach(sender -> all.add(sender.result));
    // Stalls show as runs of slow seconds: when they came is what lines them up with the gateway's periodic jobs.
    System.err.println("seconds of the schedule whose worst latency passed 200 ms (second:ms):"
        + all.slowSeconds(200_000));
    return all;
  }

  /**
   * One event loop's share of the schedule: requests slot, slot + threads, … of the whole, each at its intended
   * time. A 1 ms timer sends whatever has come due; the Vert.x client queues a request until a connection is free.
   */
  private static final class Sender extends AbstractVerticle {
    private final int port;
    private final RequestOptions probe;
    private final Requests requests;
    private final long warmupNanos;
    private final long durationNanos;
    private final double intervalNanos;
    private final long offsetNanos;
    private final int slot;
    private final int threads;
    private final int connections;
    private final boolean keepAlive;
    private final Promise<Void> done = Promise.promise();
    private final Result result = new Result();
    private HttpClientAgent client;
    private long start;
    private long measuredFrom;
    private long end;
    private long timer;
    private long next;
    private long issued;
    private long answered;
    private boolean stopped;

    Sender(int port, RequestOptions probe, Requests requests, double rate, int warmup, int seconds, int slot,
        int threads, int connections, boolean keepAlive) {
      this.port = port;
      this.probe = probe;
      this.requests = requests;
      this.warmupNanos = TimeUnit.SECONDS.toNanos(warmup);
      this.durationNanos = TimeUnit.SECONDS.toNanos(seconds);
      this.intervalNanos = threads * 1e9 / rate;
      this.offsetNanos = (long) (slot * 1e9 / rate);
      this.slot = slot;
      this.threads = threads;
      this.connections = connections;
      this.keepAlive = keepAlive;
    }

    @Override
    public void start(Promise<Void> started) {
      client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(keepAlive)
              .setKeepAliveTimeout(KEEP_ALIVE_SECONDS),
          new PoolOptions().setHttp1MaxSize(connections));
      client.request(new RequestOptions(probe).setHost(HOST).setPort(port))
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
        send(next * threads + slot, intended(next), now);
        next++;
      }
      if (intended(next) >= end) {
        vertx.cancelTimer(timer);
        stopped = true;
        finishIfIdle();
      }
    }

    private void send(long i, long intendedAt, long now) {
      result.maxLagNanos = Math.max(result.maxLagNanos, now - intendedAt);
      boolean measured = intendedAt >= measuredFrom;
      if (issued - answered >= (long) connections * OUTSTANDING_PER_CONNECTION) {
        if (measured) {
          result.shed++;
        }
        return;
      }
      issued++;
      if (measured) {
        result.sent++;
      }
      RequestOptions options = requests.options(i).setHost(HOST).setPort(port).setIdleTimeout(TIMEOUT_MS);
      Buffer body = requests.body(i);
      client.request(options)
          .compose(request -> body == null ? request.send() : request.send(body))
          .compose(response -> response.end().map(response.statusCode()))
          .onComplete(answer -> {
            answered++;
            result.spanNanos = Math.max(result.spanNanos, System.nanoTime() - start);
            if (answer.failed() && result.warmupErrors + result.failed < FAILURES_SHOWN) {
              System.err.println(options.getMethod() + " " + options.getURI() + " failed: " + answer.cause());
            }
            boolean ok = answer.succeeded() && answer.result() / 100 == 2;
            if (!measured) {
              if (ok) {
                result.warmupOk++;
              } else {
                result.warmupErrors++;
              }
            } else {
              long latencyUs = Math.min(HIGHEST_US, (System.nanoTime() - intendedAt) / 1000);
              result.latency.recordValue(latencyUs);
              if (requests.repeat(i)) {
                result.repeatLatency.recordValue(latencyUs);
              }
              int second = (int) Math.min(Result.SECONDS_TRACKED - 1, (intendedAt - start) / 1_000_000_000L);
              result.worstUsBySecond[second] = Math.max(result.worstUsBySecond[second], latencyUs);
              if (ok) {
                result.ok++;
              } else if (answer.failed()) {
                result.failed++;
              } else if (answer.result() == 304) {
                result.notModified++;
              } else {
                result.other++;
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
