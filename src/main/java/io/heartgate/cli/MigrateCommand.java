package io.heartgate.cli;

import io.heartgate.settings.Settings;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** Brings the store's schema up to date and exits, as a starting gateway would, without serving. */
@Command(name = "migrate", mixinStandardHelpOptions = true,
    description = "apply the migrations the store lacks and exit (serve does it at every start)")
final class MigrateCommand implements Callable<Integer> {
  private final Terminal terminal;
  private final Clock clock;

  @Mixin
  private StoreOptions store;

  MigrateCommand(Terminal terminal, Clock clock) {
    this.terminal = terminal;
    this.clock = clock;
  }

  @Override
  public Integer call() {
    Settings settings = store.settings(terminal);
    try (AdminNode node = AdminNode.open(settings, true, clock)) {
      int applied = node.migrate();
      terminal.out().println(applied == 0 ? "the schema of " + settings.database().masked() + " is up to date"
          : "applied " + applied + " migration" + (applied == 1 ? "" : "s") + " to " + settings.database().masked());
    }
    return ExitCodes.OK;
  }
}
