package io.heartgate;

import io.heartgate.http.OutOfMemory;
import io.heartgate.settings.InvalidSettingException;
import io.heartgate.settings.LogSetup;
import io.heartgate.settings.Settings;
import io.heartgate.settings.SettingsLoader;
import java.util.Arrays;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import sun.misc.Signal;

/** Start-up: settings → store → migrations → verticles; SIGTERM or SIGINT stops the node and exits 0. */
public final class Main {
  /** Exit code for a setting that cannot be used. */
  static final int EXIT_BAD_SETTING = 2;
  /** Exit code for a node that could not start (store unreachable, port taken, …). */
  static final int EXIT_START_FAILED = 1;

  private Main() {
  }

  public static void main(String[] args) {
    System.setProperty("java.util.logging.SimpleFormatter.format",
        "%1$tY-%1$tm-%1$tdT%1$tH:%1$tM:%1$tS.%1$tL %4$s %3$s - %5$s%6$s%n");
    System.setProperty("vertx.disableFileCaching", "true");
    Thread.setDefaultUncaughtExceptionHandler((thread, failure) -> {
      OutOfMemory.exitOn(failure);
      Logger.getLogger(Main.class.getName()).log(Level.SEVERE, "uncaught in " + thread.getName(), failure);
    });
    List<String> arguments = Arrays.asList(args);
    if (arguments.contains("--help") || arguments.contains("-h")) {
      System.out.print(SettingsLoader.help());
      return;
    }
    Settings settings;
    try {
      settings = SettingsLoader.load(arguments, System.getenv());
    } catch (InvalidSettingException e) {
      System.err.println("heartgate: " + e.getMessage());
      System.exit(EXIT_BAD_SETTING);
      return;
    }
    // Logs: format and levels from the settings, before the node logs anything (LOG_FORMAT, LOG_LEVEL).
    LogSetup.apply(settings);
    Logger log = Logger.getLogger(Main.class.getName());
    long started = System.nanoTime();
    Heartgate node;
    try {
      node = Heartgate.start(settings);
    } catch (Heartgate.StartupException e) {
      System.err.println("heartgate: cannot start: " + e.getMessage());
      System.exit(EXIT_START_FAILED);
      return;
    }
    log.info(String.format("Heartgate listening on API %s:%d and heartbeat %s:%d, store %s (started in %d ms)",
        settings.host(), settings.apiPort(), settings.host(), settings.heartbeatPort(),
        settings.database().masked(), (System.nanoTime() - started) / 1_000_000));
    Runnable shutdown = () -> {
      log.info("stopping: draining requests and heartbeats");
      node.stop();
      log.info("stopped");
      System.exit(0);
    };
    Signal.handle(new Signal("TERM"), signal -> new Thread(shutdown, "heartgate-shutdown").start());
    Signal.handle(new Signal("INT"), signal -> new Thread(shutdown, "heartgate-shutdown").start());
  }
}
