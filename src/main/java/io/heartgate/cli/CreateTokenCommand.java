package io.heartgate.cli;

import io.heartgate.auth.Permissions;
import io.heartgate.auth.Principal;
import io.heartgate.core.Check;
import io.heartgate.core.Invalid;
import io.heartgate.settings.Settings;
import io.heartgate.tokens.TokenService;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
  private static final Pattern DAYS = Pattern.compile("([1-9][0-9]{0,4})d");

  private final Terminal terminal;
  private final Clock clock;

  @Mixin
  private StoreOptions store;

  @Option(names = "--user", required = true, paramLabel = "NAME", description = "the user who owns the token")
  private String user;

  @Option(names = "--name", required = true, paramLabel = "NAME", description = "the token's name, unique")
  private String name;

  @Option(names = "--permissions", required = true, paramLabel = "LIST",
      description = "a preset (" + Permissions.PRESET_TELEGRAF_AGENT + ", " + Permissions.PRESET_READ_ONLY + ", "
          + Permissions.PRESET_FULL + ") or a comma list such as configs:read,heartbeat:write; "
          + "what the user's role lacks is dropped")
  private String permissions;

  @Option(names = "--expires", paramLabel = "TIME",
      description = "an RFC 3339 time such as 2027-01-31T00:00:00Z, or days from now such as 90d (default: never)")
  private String expires;

  CreateTokenCommand(Terminal terminal, Clock clock) {
    this.terminal = terminal;
    this.clock = clock;
  }

  @Override
  public Integer call() {
    Settings settings = store.settings(terminal);
    boolean preset = Permissions.isPreset(permissions.trim());
    List<String> list = preset ? null : Arrays.stream(permissions.split(",")).map(String::trim)
        .filter(p -> !p.isEmpty()).toList();
    TokenService.CreateRequest request = new TokenService.CreateRequest(name, list,
        preset ? permissions.trim() : null, expiresAt(), null);
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

  /** Epoch milliseconds, or null for a token that never expires. */
  private Long expiresAt() {
    if (expires == null) {
      return null;
    }
    Matcher days = DAYS.matcher(expires.trim());
    if (days.matches()) {
      return clock.instant().plus(Duration.ofDays(Long.parseLong(days.group(1)))).toEpochMilli();
    }
    try {
      return Check.time("expires", expires.trim()).toEpochMilli();
    } catch (Invalid e) {
      throw CommandFailure.usage("--expires must be an RFC 3339 time such as 2027-01-31T00:00:00Z, or a number of "
          + "days such as 90d");
    }
  }
}
