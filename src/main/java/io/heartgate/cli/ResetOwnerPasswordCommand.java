package io.heartgate.cli;

import io.heartgate.settings.Setting;
import io.heartgate.settings.Settings;
import io.heartgate.users.User;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * Gives the owner a new password when theirs is lost, for whoever may run the gateway: the password rules of the
 * API, every session of the owner ends, and the audit log records it.
 */
@Command(name = "reset-owner-password", mixinStandardHelpOptions = true,
    description = {"set a new password for the owner and end the owner's sessions",
        "The password comes from OWNER_PASSWORD when it is set (environment or config file), else from standard "
            + "input: typed twice at a console, or the first line of a pipe."})
final class ResetOwnerPasswordCommand implements Callable<Integer> {
  static final String NAME = "reset-owner-password";

  private final Terminal terminal;
  private final Clock clock;

  @Mixin
  private StoreOptions store;

  ResetOwnerPasswordCommand(Terminal terminal, Clock clock) {
    this.terminal = terminal;
    this.clock = clock;
  }

  @Override
  public Integer call() {
    Settings settings = store.settings(terminal);
    String password = settings.ownerPassword().isEmpty() ? terminal.readSecret("New password of the owner")
        : settings.ownerPassword();
    if (password == null || password.isEmpty()) {
      throw CommandFailure.usage("no new password: set " + Setting.OWNER_PASSWORD.env()
          + " or write it on standard input (at a console, the same twice)");
    }
    try (AdminNode node = AdminNode.open(settings, false, clock)) {
      node.requireCurrentSchema();
      User owner = AdminNode.await(node.users().resetOwnerPassword(password, Commands.client(NAME)));
      terminal.out().println("the owner " + owner.username() + " has a new password; their sessions have ended");
    }
    return ExitCodes.OK;
  }
}
