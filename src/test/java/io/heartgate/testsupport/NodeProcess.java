package io.heartgate.testsupport;

import io.heartgate.Main;
import io.heartgate.settings.Setting;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The real main class in a process of its own, with the test class path, JVM options of the test's choosing (a
 * small heap) and no setting inherited from the environment; its output goes to output.log in its folder.
 */
public final class NodeProcess implements AutoCloseable {
  private final Process process;
  private final Path output;

  private NodeProcess(Process process, Path output) {
    this.process = process;
    this.output = output;
  }

  /** Starts {@code java <jvmOptions> io.heartgate.Main <args>} in the folder. */
  public static NodeProcess start(Path folder, List<String> jvmOptions, String... args) {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
        .toString()));
    command.addAll(jvmOptions);
    command.addAll(List.of("-cp", System.getProperty("surefire.test.class.path",
        System.getProperty("java.class.path")), Main.class.getName()));
    command.addAll(List.of(args));
    Path output = folder.resolve("output.log");
    ProcessBuilder builder = new ProcessBuilder(command).directory(folder.toFile()).redirectErrorStream(true)
        .redirectOutput(output.toFile());
    for (Setting setting : Setting.values()) {
      builder.environment().remove(setting.env());
    }
    builder.environment().remove("HEARTGATE_CONFIG");
    try {
      return new NodeProcess(builder.start(), output);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public Process process() {
    return process;
  }

  /** Waits until /health/ready answers 200 on the port; fails at once when the process exits. */
  public void awaitReady(int port, Duration timeout) {
    URI ready = URI.create("http://127.0.0.1:" + port + "/health/ready");
    Poll.until(timeout, "ready on port " + port, () -> {
      assertAlive("while starting");
      try {
        return TestGateway.get(ready).statusCode() == 200;
      } catch (RuntimeException notListeningYet) {
        return false;
      }
    });
  }

  /** Fails, with the exit code and the end of the output, when the process has exited. */
  public void assertAlive(String when) {
    if (!process.isAlive()) {
      throw new AssertionError("the node exited with " + process.exitValue() + " " + when + "; its output ends:\n"
          + outputTail());
    }
  }

  /** The last lines the process wrote, for failure messages. */
  public String outputTail() {
    try {
      List<String> lines = Files.readAllLines(output, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (IOException e) {
      return "(no output: " + e.getMessage() + ")";
    }
  }

  @Override
  public void close() {
    process.destroyForcibly();
  }
}
