package io.heartgate.cli;

import io.heartgate.settings.DatabaseUrl;
import io.heartgate.testsupport.TestGateway;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One run of the command line in the test's JVM, as {@code java -jar heartgate.jar <args>} would run it, with
 * captured streams, the environment given and no console; serve is not run here (the process tests do).
 */
record CommandRun(int exitCode, String out, String err) {

  static CommandRun of(Map<String, String> env, String stdin, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Terminal terminal = new Terminal(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), env,
        null);
    int code = Commands.run(args, terminal, settings -> {
      throw new AssertionError("serve is not run in the test's JVM");
    });
    return new CommandRun(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  static CommandRun of(String... args) {
    return of(Map.of(), "", args);
  }

  /** A command on a store, named by --database. */
  static CommandRun on(DatabaseUrl store, Map<String, String> env, String stdin, String command, String... args) {
    List<String> all = new ArrayList<>(List.of(command, "--database", TestGateway.connectionString(store)));
    all.addAll(List.of(args));
    return of(env, stdin, all.toArray(String[]::new));
  }

  @Override
  public String toString() {
    return "exit " + exitCode + "\n--- out:\n" + out + "--- err:\n" + err;
  }
}
