package io.heartgate.cli;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * What a command talks to: standard input and output, the error stream, the environment, and the console when a
 * person types at one (null otherwise). Tests hand in their own streams and environment.
 *
 * @param out what a script reads (a token value), and nothing else
 * @param err messages for the person running the command
 */
public record Terminal(InputStream in, PrintStream out, PrintStream err, Map<String, String> env, Console console) {

  public static Terminal system() {
    return new Terminal(System.in, System.out, System.err, System.getenv(), System.console());
  }

  /**
   * A secret typed twice at the console without echo, or else the first line of standard input; null when
   * there is none or the two typed differ.
   */
  public String readSecret(String prompt) {
    if (console != null) {
      char[] first = console.readPassword("%s: ", prompt);
      char[] again = console.readPassword("%s again: ", prompt);
      return first == null || again == null || !new String(first).equals(new String(again)) ? null
          : new String(first);
    }
    try {
      return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).readLine();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
