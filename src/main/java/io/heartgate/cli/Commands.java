package io.heartgate.cli;

import io.heartgate.core.BuildInfo;
import io.heartgate.core.ClientInfo;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.Set;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The command line of the jar: {@code [serve] [settings…]} (the default when no command is named, so the flags of
 * a gateway work as they always did), the admin commands, and {@code --version}. Returns the exit code of
 * {@link ExitCodes}; serve's once the gateway has stopped.
 */
public final class Commands {
  private static final Set<String> VERSION_OPTIONS = Set.of("--version", "-V");

  private Commands() {
  }

  /** Who acted, for the audit log: no address, and the command as the user agent. */
  static ClientInfo client(String command) {
    return new ClientInfo(null, "heartgate " + command + " (command line)");
  }

  /** The version and build time, as {@code GET /api/version} gives them. */
  static String version() {
    BuildInfo build = BuildInfo.current();
    return "heartgate " + build.version() + " (built " + build.buildTime() + ")";
  }

  public static int run(String[] args, Terminal terminal, Gateway gateway) {
    Clock clock = Clock.systemUTC();
    CommandLine line = new CommandLine(new Root())
        .addSubcommand(new ServeCommand(terminal, gateway))
        .addSubcommand(new ResetOwnerPasswordCommand(terminal, clock))
        .addSubcommand(new CreateTokenCommand(terminal, clock))
        .addSubcommand(new CreateTokensCommand(terminal, clock))
        .addSubcommand(new BackupCommand(terminal, clock))
        .addSubcommand(new MigrateCommand(terminal, clock));
    // serve hands its arguments to the settings loader untouched, as the gateway always took them.
    line.getSubcommands().get(ServeCommand.NAME).setUnmatchedOptionsArePositionalParams(true);
    // "@file" is a value like any other (a password may start with @), never a file of arguments.
    line.setExpandAtFiles(false);
    line.setOut(new PrintWriter(terminal.out(), true));
    line.setErr(new PrintWriter(terminal.err(), true));
    line.setExecutionExceptionHandler((failure, command, parsed) -> {
      terminal.err().println("heartgate: " + ExitCodes.message(failure));
      return ExitCodes.of(failure);
    });
    line.getCommandSpec().version(version());
    line.getSubcommands().values().forEach(command -> command.getCommandSpec().version(version()));
    boolean named = args.length > 0 && (line.getSubcommands().containsKey(args[0])
        || VERSION_OPTIONS.contains(args[0]));
    return line.execute(named ? args : Stream.concat(Stream.of(ServeCommand.NAME), Stream.of(args))
        .toArray(String[]::new));
  }

  /** The jar itself: only {@code --version} is its own; everything else is a command's. */
  @Command(name = "heartgate", mixinStandardHelpOptions = true)
  private static final class Root {
  }
}
