package io.heartgate.bench;

import io.heartgate.heartbeat.HeartbeatBody;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Microbenchmark of heartbeat body parsing: the streaming {@code HeartbeatParser} against the tree-model parser it
 * replaced, kept in the tests as {@code TreeHeartbeatParserOracle}. Both are called the same way (a method handle
 * found by name), so this compiles against the jar alone (src/bench/run.sh compiles every bench source so) and
 * needs the test classes only to run. After a warm-up, rounds alternate which parser goes first; each round
 * times N parses of each body with each parser and counts the bytes the thread allocated. Prints ns per parse,
 * bytes per parse and the new/old ratio of each round (median, quartiles and range over the rounds).
 *
 * <pre>
 * mvn -B -q package -DskipTests &amp;&amp; mvn -B -q test-compile
 * javac -d target/bench-classes -cp target/heartgate.jar src/bench/java/io/heartgate/bench/ParseBench.java
 * java -cp target/heartgate.jar:target/test-classes:target/bench-classes io.heartgate.bench.ParseBench [rounds] [n]
 * </pre>
 */
public final class ParseBench {
  private static final String FIXTURES = "src/test/resources/telegraf-heartbeat/";
  private static final MethodType PARSE = MethodType.methodType(HeartbeatBody.class, byte[].class);

  private ParseBench() {
  }

  public static void main(String[] args) throws Throwable {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 40;
    int n = args.length > 1 ? Integer.parseInt(args[1]) : 5_000;
    MethodHandle old = parser("io.heartgate.heartbeat.TreeHeartbeatParserOracle");
    MethodHandle streaming = parser("io.heartgate.heartbeat.HeartbeatParser");
    Map<String, byte[]> bodies = new LinkedHashMap<>();
    bodies.put("all fixture", Files.readAllBytes(Path.of(FIXTURES + "heartbeat_test.TestIncludedExtraData.all.json")));
    bodies.put("trace-level fixture (6 logs)",
        Files.readAllBytes(Path.of(FIXTURES + "heartbeat_test.TestDetailedLogging.trace-level.json")));
    bodies.put("250 logs, attributes, cut", logsHeavy());
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    for (Map.Entry<String, byte[]> body : bodies.entrySet()) {
      HeartbeatBody expected = (HeartbeatBody) old.invokeExact(body.getValue());
      HeartbeatBody actual = (HeartbeatBody) streaming.invokeExact(body.getValue());
      if (!expected.equals(actual)) {
        throw new AssertionError("the parsers disagree on " + body.getKey());
      }
      int scaled = scaled(n, body.getValue());
      for (int i = 0; i < 3; i++) {
        time(old, body.getValue(), scaled, threads);
        time(streaming, body.getValue(), scaled, threads);
      }
    }
    System.out.printf("%d rounds, each parser first in every other round; ns and bytes per parse (median of rounds)%n",
        rounds);
    System.out.printf("%-30s %10s %10s %8s %14s %14s %10s %10s%n", "body", "old ns", "new ns", "new/old",
        "quartiles", "min-max", "old B", "new B");
    for (Map.Entry<String, byte[]> body : bodies.entrySet()) {
      int scaled = scaled(n, body.getValue());
      double[] oldNs = new double[rounds];
      double[] newNs = new double[rounds];
      double[] ratios = new double[rounds];
      long[] oldBytes = new long[rounds];
      long[] newBytes = new long[rounds];
      for (int r = 0; r < rounds; r++) {
        long[] a;
        long[] b;
        if (r % 2 == 0) {
          a = time(old, body.getValue(), scaled, threads);
          b = time(streaming, body.getValue(), scaled, threads);
        } else {
          b = time(streaming, body.getValue(), scaled, threads);
          a = time(old, body.getValue(), scaled, threads);
        }
        oldNs[r] = (double) a[0] / scaled;
        newNs[r] = (double) b[0] / scaled;
        ratios[r] = newNs[r] / oldNs[r];
        oldBytes[r] = a[1] / scaled;
        newBytes[r] = b[1] / scaled;
      }
      Arrays.sort(ratios);
      System.out.printf("%-30s %10.0f %10.0f %8.3f %6.3f-%-6.3f  %6.3f-%-6.3f %10d %10d%n", body.getKey(),
          median(oldNs), median(newNs), median(ratios), ratios[rounds / 4], ratios[rounds * 3 / 4],
          ratios[0], ratios[rounds - 1], median(oldBytes), median(newBytes));
    }
  }

  private static MethodHandle parser(String className) throws ReflectiveOperationException {
    return MethodHandles.publicLookup().findStatic(Class.forName(className), "parse", PARSE);
  }

  /** Fewer parses of a larger body, so that every timing lasts about as long. */
  private static int scaled(int n, byte[] body) {
    return Math.max(200, (int) ((long) n * 1000 / Math.max(1000, body.length)));
  }

  /** Elapsed nanoseconds and allocated bytes of n parses. */
  private static long[] time(MethodHandle parser, byte[] body, int n, com.sun.management.ThreadMXBean threads)
      throws Throwable {
    long thread = Thread.currentThread().getId();
    int sink = 0;
    long bytes = threads.getThreadAllocatedBytes(thread);
    long start = System.nanoTime();
    for (int i = 0; i < n; i++) {
      HeartbeatBody parsed = (HeartbeatBody) parser.invokeExact(body);
      sink += parsed.id().length();
    }
    long elapsed = System.nanoTime() - start;
    bytes = threads.getThreadAllocatedBytes(thread) - bytes;
    if (sink == 42) {
      System.out.print("");
    }
    return new long[] {elapsed, bytes};
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }

  private static long median(long[] values) {
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }

  /** 250 entries (50 beyond the limit of 200) with attributes; one in ten has a message over 8 KiB. */
  private static byte[] logsHeavy() {
    Instant t0 = Instant.parse("2026-11-25T04:00:00Z");
    String[] levels = {"ERROR", "WARN", "INFO", "DEBUG", "TRACE"};
    List<String> entries = new ArrayList<>();
    for (int i = 0; i < 250; i++) {
      String message = i % 10 == 0 ? "x".repeat(9000) : "gathered metrics for plugin number " + i;
      entries.add("{\"time\":\"" + t0.plusSeconds(i) + "\",\"level\":\"" + levels[i % levels.length]
          + "\",\"source\":\"inputs.cpu\",\"attributes\":{\"alias\":\"cpu" + i + "\",\"category\":\"inputs\","
          + "\"plugin\":\"cpu\",\"count\":" + i + "},\"message\":\"" + message + "\"}");
    }
    return ("{\"id\":\"noisy\",\"version\":\"Telegraf 1.39.3\",\"schema\":1,\"hostname\":\"host\","
        + "\"statistics\":{\"errors\":1,\"warnings\":2,\"metrics\":5},\"status\":\"WARN\",\"logs\":["
        + String.join(",", entries) + "]}").getBytes(StandardCharsets.UTF_8);
  }
}
