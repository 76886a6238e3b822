package io.heartgate.testsupport;

import io.heartgate.Heartgate;
import io.heartgate.settings.DatabaseUrl;
import io.heartgate.settings.SettingsLoader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A gateway node running in the test JVM on free loopback ports, and an HTTP client to talk to it. */
public final class TestGateway implements AutoCloseable {
  private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  /**
   * How long a call waits for its answer: longer than the gateway's idle timeout (30 s), which closes a connection
   * that long silent, so that a request the gateway is slow with fails with the gateway's answer or its close
   * rather than with the client's timeout.
   */
  public static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(90);
  /** A call that fails after this long (its connection closed, or no answer in time) dumps the JVM's threads. */
  private static final Duration LONG_WAIT = Duration.ofSeconds(10);

  private final Heartgate node;
  private final int apiPort;
  private final int heartbeatPort;

  private TestGateway(Heartgate node, int apiPort, int heartbeatPort) {
    this.node = node;
    this.apiPort = apiPort;
    this.heartbeatPort = heartbeatPort;
  }

  public static final String TEST_PASSWORD_HASH_ITERATIONS = "1000";

  /** Starts a node on the store, with extra flags (for example {@code --disable-auth-endpoints agents}). */
  public static TestGateway start(DatabaseUrl store, String... extraFlags) throws Heartgate.StartupException {
    return start(store, Clock.systemUTC(), extraFlags);
  }

  /** Starts a node whose every reading of the time comes from the clock (a {@link MovableClock} in tests). */
  public static TestGateway start(DatabaseUrl store, Clock clock, String... extraFlags)
      throws Heartgate.StartupException {
    int apiPort = FreePort.find();
    int heartbeatPort = FreePort.find();
    List<String> flags = new ArrayList<>(List.of("--host", "127.0.0.1", "--port", String.valueOf(apiPort),
        "--heartbeat-port", String.valueOf(heartbeatPort), "--database", connectionString(store),
        // A thousandth of the default's CPU per password hash, which took most of the suite's time; a test of the
        // hashing pool's bounds gives the default back (a later flag wins).
        "--password-hash-iterations", TEST_PASSWORD_HASH_ITERATIONS));
    flags.addAll(List.of(extraFlags));
    return new TestGateway(Heartgate.start(SettingsLoader.load(flags, Map.of()), clock), apiPort, heartbeatPort);
  }

  public static String connectionString(DatabaseUrl store) {
    if (store instanceof DatabaseUrl.Sqlite sqlite) {
      return "sqlite:" + sqlite.file();
    }
    DatabaseUrl.Postgres pg = (DatabaseUrl.Postgres) store;
    String credentials = pg.user() + (pg.password().isEmpty() ? "" : ":" + pg.password());
    return "postgres://" + credentials + "@" + pg.host() + ":" + pg.port() + "/" + pg.database();
  }

  /** The node's id, as it signs the records of cluster-wide jobs. */
  public String nodeId() {
    return node.nodeId();
  }

  public int apiPort() {
    return apiPort;
  }

  public int heartbeatPort() {
    return heartbeatPort;
  }

  public URI api(String path) {
    return URI.create("http://127.0.0.1:" + apiPort + path);
  }

  public URI heartbeatListener(String path) {
    return URI.create("http://127.0.0.1:" + heartbeatPort + path);
  }

  /** A JSON API call on the API listener; body may be a JsonObject, a String (sent as is) or null. */
  public Reply call(String method, String path, Credentials credentials, Object body) {
    HttpRequest.Builder request = HttpRequest.newBuilder(api(path)).timeout(ANSWER_TIMEOUT);
    if (credentials.authorization() != null) {
      request.header("Authorization", credentials.authorization());
    }
    if (credentials.cookie() != null) {
      request.header("Cookie", credentials.cookie());
    }
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    request.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
        : HttpRequest.BodyPublishers.ofString(body.toString()));
    HttpResponse<String> response = send(request.build());
    return new Reply(response.statusCode(), response.body(), response.headers());
  }

  public Reply get(String path, Credentials credentials) {
    return call("GET", path, credentials, null);
  }

  public Reply post(String path, Credentials credentials, Object body) {
    return call("POST", path, credentials, body);
  }

  public static HttpResponse<String> get(URI uri) {
    return send(HttpRequest.newBuilder(uri).GET().build());
  }

  public static HttpResponse<String> send(HttpRequest request) {
    long start = System.nanoTime();
    try {
      return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (java.io.IOException e) {
      Duration waited = Duration.ofNanos(System.nanoTime() - start);
      if (waited.compareTo(LONG_WAIT) < 0) {
        throw new java.io.UncheckedIOException(e);
      }
      // What every thread was doing, in the test's output, next to the gateway's log.
      System.err.println(ThreadDump.now());
      throw new java.io.UncheckedIOException(request.method() + " " + request.uri().getPath() + " got no answer in "
          + waited.toSeconds() + " s (" + e + "); threads dumped to the test's output", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    node.stop();
  }
}
