package io.heartgate.cli;

import io.heartgate.settings.SettingsLoader;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Runs the gateway with the settings of its flags, the environment and the config file; {@code --help} lists them. */
@Command(name = ServeCommand.NAME, description = "run the gateway (the default command), with the settings above")
final class ServeCommand implements Callable<Integer> {
  static final String NAME = "serve";
  private static final List<String> HELP = List.of("--help", "-h");

  private final Terminal terminal;
  private final Gateway gateway;

  /** Null when there are none. */
  @Parameters(paramLabel = "SETTING", description = "--flag value, as --help lists them")
  private List<String> arguments;

  @Spec
  private CommandSpec spec;

  ServeCommand(Terminal terminal, Gateway gateway) {
    this.terminal = terminal;
    this.gateway = gateway;
  }

  @Override
  public Integer call() {
    List<String> settings = arguments == null ? List.of() : arguments;
    if (settings.stream().anyMatch(HELP::contains)) {
      terminal.out().print(SettingsLoader.help() + commands());
      terminal.out().flush();
      return ExitCodes.OK;
    }
    return gateway.serve(SettingsLoader.load(settings, terminal.env()));
  }

  /** Every command of the jar, one line each, below the settings. */
  private String commands() {
    StringBuilder text = new StringBuilder("\nCommands (java -jar heartgate.jar <command> --help says more):\n");
    for (Map.Entry<String, CommandLine> command : spec.parent().subcommands().entrySet()) {
      String[] description = command.getValue().getCommandSpec().usageMessage().description();
      text.append(String.format("  %-28s %s%n", command.getKey(), description.length == 0 ? "" : description[0]));
    }
    text.append(String.format("  %-28s %s%n", "--version", "prints the version and the build time"));
    return text.toString();
  }
}
