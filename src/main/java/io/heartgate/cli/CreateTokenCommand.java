package io.heartgate.cli;

import io.heartgate.auth.Principal;
import io.heartgate.settings.Settings;
import io.heartgate.tokens.TokenService;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Creates an API token for a user, by the rules of {@code POST /api/tokens} (the user's role caps it, presets
 * allowed, audited), and prints its value once on standard output, for provisioning scripts. Needs no running
 * gateway.
 */
@Command(name = "create-token", mixinStandardHelpOptions = true,
    description = {"create an API token for a user and print its value once (the gateway may be stopped)",
        "Standard output carries the value alone; what the token holds goes to standard error."})
final class CreateTokenCommand implements Callable<Integer> {
  static final String NAME = "create-token";

  private final Terminal terminal;
  private final Clock clock;

  @Mixin
  private StoreOptions store;

  @Option(names = "--user", required = true, paramLabel = "NAME", description = "the user who owns the token")
  private String user;

  @Option(names = "--name", required = true, paramLabel = "NAME", description = "the token's name, unique")
  private String name;

  @Mixin
  private TokenOptions token;

  CreateTokenCommand(Terminal terminal, Clock clock) {
    this.terminal = terminal;
    this.clock = clock;
  }

  @Override
  public Integer call() {
    Settings settings = store.settings(terminal);
    TokenService.CreateRequest request = new TokenService.CreateRequest(name, token.list(), token.preset(),
        token.expiresAt(clock), null);
    try (AdminNode node = AdminNode.open(settings, false, clock)) {
      node.requireCurrentSchema();
      Principal owner = AdminNode.await(node.users().actingAs(user));
      TokenService.Created created = AdminNode.await(node.tokens().create(owner, request, Commands.client(NAME)));
      terminal.err().println("created the token " + created.token().name() + " (" + created.token().id() + ") of "
          + user + " with " + String.join(",", created.token().effective())
          + (created.droppedPermissions().isEmpty() ? ""
              : "; dropped, as the role lacks them: " + String.join(",", created.droppedPermissions())));
      terminal.out().println(created.value());
    }
    return ExitCodes.OK;
  }
}
