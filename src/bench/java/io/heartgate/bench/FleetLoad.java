package io.heartgate.bench;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.io.BufferedReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Open-loop heartbeat load for the fleet scenario ({@link OpenLoop}): N agents, agent i with the token on line i of
 * a file (or, when the file holds fewer tokens than agents, on line i modulo their number: a fleet sharing tokens)
 * and the id {@code fleet-agent-0000001} and on, each sending POST /agents/heartbeat with the {@code all}
 * fixture (its id and hostname replaced) in turn, at a constant total rate.
 *
 * <p>Usage: {@code FleetLoad <heartbeatPort> <tokens-file> <body-file> <agents> <rate/s> <seconds> <connections>
 * [<threads> [<warm-up seconds> [<connection-each>]]]}, {@code connection-each} {@code true} for a connection of its
 * own per heartbeat (closed after its answer), as agents reporting once a minute have: the schedule runs for warm-up + seconds, and only requests meant to be sent
 * after the warm-up are measured. Prints one RESULT line: of the measured requests, those sent, 2xx, non-2xx,
 * failed (no answer: connection error or 30 s without one), the 2xx per second, the latency percentiles in µs; the
 * 2xx and the errors of the warm-up; how late the scheduler itself sent; and how many of the measured requests
 * came from agents that had heartbeated before (the fleet's second round and on: no new agent, no token seen for
 * the first time), with their latency percentiles apart; and the CPU time this generator took over the whole
 * schedule, warm-up included (what the load itself costs the machine it shares with the gateway).
 */
public final class FleetLoad {
  static final String AGENT_PREFIX = "fleet-agent-";

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    int agents = Integer.parseInt(args[3]);
    double rate = Double.parseDouble(args[4]);
    int seconds = Integer.parseInt(args[5]);
    int connections = Integer.parseInt(args[6]);
    int threads = args.length > 7 ? Integer.parseInt(args[7]) : 2;
    int warmup = args.length > 8 ? Integer.parseInt(args[8]) : 0;
    boolean connectionEach = args.length > 9 && Boolean.parseBoolean(args[9]);
    String[] tokens = tokens(Path.of(args[1]), agents);
    Body body = Body.of(Files.readString(Path.of(args[2])));

    OpenLoop.Requests heartbeats = new OpenLoop.Requests() {
      @Override
      public RequestOptions options(long i) {
        return new RequestOptions().setMethod(HttpMethod.POST).setURI("/agents/heartbeat")
            .putHeader("Authorization", tokens[(int) (i % agents % tokens.length)])
            .putHeader("Content-Type", "application/json")
            .putHeader("User-Agent", "Telegraf/1.37.0");
      }

      @Override
      public Buffer body(long i) {
        return body.forAgent(agentId((int) (i % agents)));
      }

      /** From the fleet's second round on: every agent has heartbeated before. */
      @Override
      public boolean repeat(long i) {
        return i >= agents;
      }
    };
    Vertx vertx = Vertx.vertx();
    long cpuBefore = processCpuNanos();
    // The probe is a GET the heartbeat listener answers 404 or 405: it changes nothing.
    OpenLoop.Result r = OpenLoop.run(vertx, port, new RequestOptions().setURI("/agents/heartbeat"), heartbeats,
        rate, warmup, seconds, connections, threads, !connectionEach);
    long cpuNanos = processCpuNanos() - cpuBefore;
    vertx.close().await(30, TimeUnit.SECONDS);
    System.out.printf(Locale.ROOT, "RESULT agents=%d target_rate=%.1f seconds=%d sent=%d acked=%d non2xx=%d "
            + "failed=%d acked_rate=%.1f p50_us=%d p99_us=%d p999_us=%d max_us=%d warmup_s=%d warmup_acked=%d "
            + "warmup_errors=%d max_send_lag_us=%d shed=%d repeat_measured=%d repeat_p50_us=%d repeat_p99_us=%d "
            + "repeat_p999_us=%d repeat_max_us=%d load_cpu_ms=%d%n",
        agents, rate, seconds, r.sent, r.ok, r.notModified + r.other, r.failed, r.ok / (double) seconds,
        r.percentileUs(50), r.percentileUs(99), r.percentileUs(99.9), r.latency.getMaxValue(), warmup,
        r.warmupOk, r.warmupErrors, r.maxLagNanos / 1000, r.shed, r.repeatLatency.getTotalCount(),
        r.repeatPercentileUs(50), r.repeatPercentileUs(99), r.repeatPercentileUs(99.9),
        r.repeatLatency.getMaxValue(), cpuNanos / 1_000_000);
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /** At most the first n lines of the file, one token each. */
  private static String[] tokens(Path file, int n) throws Exception {
    List<String> tokens = new ArrayList<>();
    try (BufferedReader lines = Files.newBufferedReader(file, StandardCharsets.US_ASCII)) {
      for (String line = lines.readLine(); line != null && tokens.size() < n; line = lines.readLine()) {
        tokens.add("Bearer " + line.strip());
      }
    }
    if (tokens.isEmpty()) {
      throw new IllegalArgumentException(file + " holds no token");
    }
    return tokens.toArray(String[]::new);
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
}
