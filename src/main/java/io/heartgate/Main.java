package io.heartgate;

import io.heartgate.cli.Commands;
import io.heartgate.cli.ExitCodes;
import io.heartgate.cli.Terminal;
import io.heartgate.http.OutOfMemory;
import io.heartgate.settings.LogSetup;
import io.heartgate.settings.Settings;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Level;
import java.util.logging.Logger;
import sun.misc.Signal;

/**
 * The jar's entry point: process-wide set-up, then the command line ({@code serve} by default: settings → store →
 * migrations → verticles, until SIGTERM or SIGINT stops the node and the process exits 0).
 */
public final class Main {
  private Main() {
  }

  public static void main(String[] args) {
    OutOfMemory.arm();
    System.setProperty("java.util.logging.SimpleFormatter.format",
        "%1$tY-%1$tm-%1$tdT%1$tH:%1$tM:%1$tS.%1$tL %4$s %3$s - %5$s%6$s%n");
    Thread.setDefaultUncaughtExceptionHandler((thread, failure) -> {
      OutOfMemory.exitOn(failure);
      Logger.getLogger(Main.class.getName()).log(Level.SEVERE, "uncaught in " + thread.getName(), failure);
    });
    System.exit(Commands.run(args, Terminal.system(), Main::serve));
  }

  /** Runs a node until a signal has stopped it gracefully; 1 when it cannot start. */
  private static int serve(Settings settings) {
    // Logs: format and levels from the settings, before the node logs anything (LOG_FORMAT, LOG_LEVEL).
    LogSetup.apply(settings);
    Logger log = Logger.getLogger(Main.class.getName());
    long started = System.nanoTime();
    Heartgate node;
    try {
      node = Heartgate.start(settings);
    } catch (Heartgate.StartupException e) {
      System.err.println("heartgate: cannot start: " + e.getMessage());
      return ExitCodes.FAILED;
    }
    log.info(String.format("Heartgate listening on API %s:%d and heartbeat %s:%d, store %s, transport %s "
        + "(started in %d ms)", settings.host(), settings.apiPort(), settings.host(), settings.heartbeatPort(),
        settings.database().masked(), node.transport(), (System.nanoTime() - started) / 1_000_000));
    CountDownLatch stopped = new CountDownLatch(1);
    Runnable shutdown = () -> {
      log.info("stopping: draining requests and heartbeats");
      node.stop();
      log.info("stopped");
      stopped.countDown();
    };
    Signal.handle(new Signal("TERM"), signal -> new Thread(shutdown, "heartgate-shutdown").start());
    Signal.handle(new Signal("INT"), signal -> new Thread(shutdown, "heartgate-shutdown").start());
    try {
      stopped.await();
    } catch (InterruptedException e) {
      // Nothing interrupts the main thread; were it to happen, the process ends as after a signal, unstopped.
      Thread.currentThread().interrupt();
    }
    return 0;
  }
}
