package io.heartgate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.heartgate.core.BuildInfo;
import io.heartgate.settings.Setting;
import io.heartgate.testsupport.FreePort;
import io.heartgate.testsupport.Poll;
import io.heartgate.testsupport.TestGateway;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The real main class in its own process: start-up on the embedded default, SIGTERM, and refused settings. */
class MainProcessTest {
  @TempDir
  Path workDir;

  @Test
  void startsInAnEmptyFolderOnEmbeddedSqliteAndExitsZeroOnSigterm() throws Exception {
    int api = FreePort.find();
    int heartbeat = FreePort.find();
    Process process = start(Map.of(), "--host", "127.0.0.1", "--port", String.valueOf(api),
        "--heartbeat-port", String.valueOf(heartbeat));
    try {
      for (int port : new int[] {api, heartbeat}) {
        URI ready = URI.create("http://127.0.0.1:" + port + "/health/ready");
        Poll.until(Duration.ofSeconds(30), "ready on port " + port, () -> isReady(ready, process));
        for (int i = 0; i < 3; i++) {
          // Each on a connection of its own, as a load balancer's health checks come.
          HttpResponse<Void> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(ready).build(),
              HttpResponse.BodyHandlers.discarding());
          assertEquals(200, answer.statusCode());
        }
      }
      assertTrue(Files.isRegularFile(workDir.resolve("data/heartgate.db")), "the default store file is created");
      process.destroy();
      assertTrue(process.waitFor(10, TimeUnit.SECONDS), "exits within 10 s of SIGTERM");
      assertEquals(0, process.exitValue());
      assertTrue(output(process).contains("stopped"), output(process));
      assertFalse(output(process).contains(" WARN "), "a clean start has nothing to warn about: "
          + output(process));
      if (System.getProperty("os.name").equals("Linux")
          && List.of("amd64", "aarch64").contains(System.getProperty("os.arch"))) {
        assertTrue(output(process).contains(", transport epoll "), "Netty's epoll transport is packaged and loads: "
            + output(process));
      }
    } finally {
      process.destroyForcibly();
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "port out of range|APP_PORT=70000||heartgate: invalid APP_PORT=70000: out of range; expected a port number 1-65535",
      "unknown auth group||--disable-auth-endpoints=agents,users|heartgate: invalid --disable-auth-endpoints=agents,users: "
          + "unknown group users; expected a comma list of agents, configs, reporting-rules, heartbeat, labels, metrics, or *",
      "malformed DATABASE_URL|DATABASE_URL=postgres//db/x||heartgate: invalid DATABASE_URL: unknown scheme; "
          + "expected sqlite:<path> or postgres://user:pass@host:port/db",
      "TLS certificate without its key||--ssl-cert=/etc/hostname|heartgate: TLS needs both SSL_CERT_PATH "
          + "(--ssl-cert) and SSL_KEY_PATH (--ssl-key); only one is set",
      "unreadable config file||--config=/nonexistent/heartgate.json|heartgate: invalid config file "
          + "/nonexistent/heartgate.json: it does not exist; expected a readable JSON object of settings "
          + "(see conf/heartgate.json)",
      "malformed owner token||--owner-token=tc-apiv1_0123|heartgate: invalid --owner-token: not an API token; "
          + "expected tc-apiv1_ followed by 64 lowercase hex characters",
  })
  void badSettingExitsWithCodeTwoAndOneLine(String name, String env, String flag, String expected) throws Exception {
    Map<String, String> environment = env == null ? Map.of() : Map.of(env.split("=", 2)[0], env.split("=", 2)[1]);
    Process process = flag == null ? start(environment) : start(environment, flag);
    assertTrue(process.waitFor(30, TimeUnit.SECONDS));
    assertEquals(2, process.exitValue());
    assertEquals(expected + "\n", output(process));
    assertTrue(!Files.exists(workDir.resolve("data")), "nothing was created");
  }

  @Test
  void unreachableDatabaseStopsStartUpWithAClearMessage() throws Exception {
    int closed = FreePort.find();
    Process process = start(Map.of("DATABASE_URL", "postgres://hg:secret@127.0.0.1:" + closed + "/hg"),
        "--port", String.valueOf(FreePort.find()), "--heartbeat-port", String.valueOf(FreePort.find()));
    assertTrue(process.waitFor(30, TimeUnit.SECONDS));
    assertEquals(1, process.exitValue());
    String output = output(process);
    assertTrue(output.contains("heartgate: cannot start: cannot use the store postgres://hg:****@127.0.0.1:" + closed
        + "/hg"), output);
    assertTrue(!output.contains("secret"), output);
  }

  /** A taken port is found before the store is opened: no migration, no file, one line naming listener and port. */
  @ParameterizedTest(name = "{0} port taken")
  @CsvSource({"API,--port", "heartbeat,--heartbeat-port"})
  void aPortInUseStopsStartUpBeforeTheStoreIsTouched(String listener, String flag) throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      int port = taken.getLocalPort();
      List<String> args = new ArrayList<>(List.of("--host", "127.0.0.1", "--port", String.valueOf(FreePort.find()),
          "--heartbeat-port", String.valueOf(FreePort.find())));
      args.set(args.indexOf(flag) + 1, String.valueOf(port));
      Process process = start(Map.of(), args.toArray(String[]::new));
      assertTrue(process.waitFor(30, TimeUnit.SECONDS));
      assertEquals(1, process.exitValue());
      String output = output(process);
      assertTrue(output.startsWith("heartgate: cannot start: the " + listener + " listener cannot bind 127.0.0.1:"
          + port + " ("), output);
      assertEquals(1, output.lines().count(), output);
      assertTrue(!Files.exists(workDir.resolve("data")), "the store was not touched");
    }
  }

  @Test
  void versionPrintsTheBuild() throws Exception {
    Process process = start(Map.of(), "--version");
    assertTrue(process.waitFor(30, TimeUnit.SECONDS));
    assertEquals(0, process.exitValue());
    BuildInfo build = BuildInfo.current();
    assertEquals("heartgate " + build.version() + " (built " + build.buildTime() + ")\n", output(process));
  }

  @Test
  void helpListsEverySetting() throws Exception {
    Process process = start(Map.of(), "--help");
    assertTrue(process.waitFor(30, TimeUnit.SECONDS));
    assertEquals(0, process.exitValue());
    String output = output(process);
    for (Setting setting : Setting.values()) {
      assertTrue(output.contains(setting.env()) && output.contains(setting.flag()), setting.env());
    }
  }

  private Process start(Map<String, String> env, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
        Main.class.getName()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
        .redirectOutput(workDir.resolve("output.log").toFile());
    for (Setting setting : Setting.values()) {
      builder.environment().remove(setting.env());
    }
    builder.environment().remove("HEARTGATE_CONFIG");
    builder.environment().putAll(env);
    return builder.start();
  }

  private String output(Process process) throws IOException {
    return Files.readString(workDir.resolve("output.log"), StandardCharsets.UTF_8);
  }

  private static boolean isReady(URI uri, Process process) {
    if (!process.isAlive()) {
      throw new AssertionError("the gateway exited with " + process.exitValue());
    }
    try {
      return TestGateway.get(uri).statusCode() == 200;
    } catch (RuntimeException notListeningYet) {
      return false;
    }
  }
}
