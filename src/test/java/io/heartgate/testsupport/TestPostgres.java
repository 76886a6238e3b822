package io.heartgate.testsupport;

import io.heartgate.settings.DatabaseUrl;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A PostgreSQL server for tests: HEARTGATE_TEST_PG_URL when set, else a throwaway cluster that this test run
 * creates (initdb) and starts (pg_ctl) on a free loopback port under target/, and stops at the end. As root,
 * the server runs as the postgres user, because initdb refuses root. With CI=true a missing PostgreSQL fails
 * the test; elsewhere it skips it.
 */
public final class TestPostgres {
  private static final String URL_ENV = "HEARTGATE_TEST_PG_URL";
  private static final AtomicInteger DATABASES = new AtomicInteger();
  private static TestPostgres shared;

  private final DatabaseUrl.Postgres adminUrl;
  private final Path dataDir;
  private final Path binDir;

  private TestPostgres(DatabaseUrl.Postgres adminUrl, Path dataDir, Path binDir) {
    this.adminUrl = adminUrl;
    this.dataDir = dataDir;
    this.binDir = binDir;
  }

  /** The server every PostgreSQL test shares; stopped when the test JVM exits. */
  public static synchronized TestPostgres shared() {
    if (shared == null) {
      String url = System.getenv(URL_ENV);
      if (url != null && !url.isBlank()) {
        shared = new TestPostgres((DatabaseUrl.Postgres) DatabaseUrl.parse(url), null, null);
      } else {
        shared = startCluster("shared");
        TestPostgres cluster = shared;
        Runtime.getRuntime().addShutdownHook(new Thread(cluster::destroy, "test-postgres-stop"));
      }
    }
    return shared;
  }

  /** A cluster of the caller's own, which it may stop and start; the caller destroys it. */
  public static TestPostgres startThrowaway() {
    return startCluster("own");
  }

  /** A new, empty database on this server. */
  public DatabaseUrl.Postgres newDatabase() {
    String name = "heartgate_test_" + ProcessHandle.current().pid() + "_" + DATABASES.incrementAndGet();
    Vertx vertx = Vertx.vertx();
    Pool pool = PgBuilder.pool().connectingTo(connectOptions(adminUrl)).using(vertx).build();
    try {
      Await.of(pool.query("CREATE DATABASE " + name).execute());
    } finally {
      Await.of(pool.close());
      Await.of(vertx.close());
    }
    return new DatabaseUrl.Postgres(adminUrl.host(), adminUrl.port(), name, adminUrl.user(), adminUrl.password(),
        adminUrl.sslMode());
  }

  public DatabaseUrl.Postgres adminUrl() {
    return adminUrl;
  }

  /** Stops the server as an outage would (fast shutdown: connections are cut). */
  public void stopServer() {
    requireOwnCluster();
    run(binDir.resolve("pg_ctl").toString(), "-D", dataDir.toString(), "-m", "fast", "-w", "stop");
  }

  public void startServer() {
    requireOwnCluster();
    run(binDir.resolve("pg_ctl").toString(), "-D", dataDir.toString(), "-l", dataDir.resolve("server.log").toString(),
        "-w", "-t", "60", "-o", serverOptions(adminUrl.port()), "start");
  }

  /** Stops the server and removes its files. */
  public void destroy() {
    if (dataDir == null) {
      return;
    }
    try {
      run(binDir.resolve("pg_ctl").toString(), "-D", dataDir.toString(), "-m", "immediate", "-w", "stop");
    } catch (IllegalStateException alreadyStopped) {
      // nothing to stop
    }
    deleteTree(dataDir.getParent());
  }

  public static PgConnectOptions connectOptions(DatabaseUrl.Postgres url) {
    return new PgConnectOptions().setHost(url.host()).setPort(url.port()).setDatabase(url.database())
        .setUser(url.user()).setPassword(url.password());
  }

  private static TestPostgres startCluster(String purpose) {
    Optional<Path> binDir = findBinaries();
    if (binDir.isEmpty()) {
      String why = "no PostgreSQL server binaries (initdb, pg_ctl) found and " + URL_ENV + " is not set";
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        throw new IllegalStateException(why + "; CI must run the PostgreSQL tests (install postgresql)");
      }
      Assumptions.abort(why);
    }
    Path root = clusterRoot(purpose);
    Path data = root.resolve("data");
    int port = FreePort.find();
    run(binDir.get().resolve("initdb").toString(), "-D", data.toString(), "-U", "postgres", "-A", "trust",
        "-E", "UTF8", "--no-locale", "--no-sync");
    TestPostgres cluster = new TestPostgres(
        new DatabaseUrl.Postgres("127.0.0.1", port, "postgres", "postgres", "", null), data, binDir.get());
    cluster.startServer();
    return cluster;
  }

  private static String serverOptions(int port) {
    return "-p " + port + " -c listen_addresses=127.0.0.1 -c unix_socket_directories= -c fsync=off "
        + "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200";
  }

  /** Under target/ when the postgres user can reach it, else under the system temp folder. */
  private static Path clusterRoot(String purpose) {
    String name = "pg-" + purpose + "-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
    Path underTarget = Path.of("target").toAbsolutePath().resolve(name);
    for (Path candidate : List.of(underTarget, Path.of(System.getProperty("java.io.tmpdir"), "heartgate-" + name))) {
      try {
        Files.createDirectories(candidate);
        if (isRoot()) {
          runPlain("chown", "postgres:postgres", candidate.toString());
          runPlain("runuser", "-u", "postgres", "--", "test", "-w", candidate.toString());
        }
        return candidate;
      } catch (IOException | IllegalStateException unusable) {
        deleteTree(candidate);
      }
    }
    throw new IllegalStateException("no folder the postgres user can write for the test cluster");
  }

  private static Optional<Path> findBinaries() {
    List<Path> candidates = new ArrayList<>();
    Path versions = Path.of("/usr/lib/postgresql");
    if (Files.isDirectory(versions)) {
      try (Stream<Path> dirs = Files.list(versions)) {
        dirs.sorted(Comparator.comparing((Path p) -> versionOf(p)).reversed())
            .forEach(p -> candidates.add(p.resolve("bin")));
      } catch (IOException ignored) {
        // fall through to PATH
      }
    }
    Arrays.stream(System.getenv().getOrDefault("PATH", "").split(":")).map(Path::of).forEach(candidates::add);
    return candidates.stream()
        .filter(dir -> Files.isExecutable(dir.resolve("initdb")) && Files.isExecutable(dir.resolve("pg_ctl")))
        .findFirst();
  }

  private static int versionOf(Path dir) {
    try {
      return Integer.parseInt(dir.getFileName().toString());
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static boolean isRoot() {
    return "root".equals(System.getProperty("user.name"));
  }

  private static void run(String... command) {
    List<String> full = new ArrayList<>();
    if (isRoot()) {
      full.addAll(List.of("runuser", "-u", "postgres", "--"));
    }
    full.addAll(List.of(command));
    runPlain(full.toArray(String[]::new));
  }

  private static void runPlain(String... command) {
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes());
      if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
      }
    } catch (IOException e) {
      throw new IllegalStateException(String.join(" ", command) + " failed: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private void requireOwnCluster() {
    if (dataDir == null) {
      throw new IllegalStateException("the server at " + URL_ENV + " is not this test run's to stop or start");
    }
  }

  private static void deleteTree(Path root) {
    if (root == null || !Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // best effort: target/ is cleaned by the next build anyway
    }
  }
}
