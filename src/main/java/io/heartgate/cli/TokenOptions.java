package io.heartgate.cli;

import io.heartgate.auth.Permissions;
import io.heartgate.core.Check;
import io.heartgate.core.Invalid;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Option;

/** What a token created on the command line holds and when it expires: the options of create-token(s). */
final class TokenOptions {
  private static final Pattern DAYS = Pattern.compile("([1-9][0-9]{0,4})d");

  @Option(names = "--permissions", required = true, paramLabel = "LIST",
      description = "a preset (" + Permissions.PRESET_TELEGRAF_AGENT + ", " + Permissions.PRESET_READ_ONLY + ", "
          + Permissions.PRESET_FULL + ") or a comma list such as configs:read,heartbeat:write; "
          + "what the user's role lacks is dropped")
  private String permissions;

  @Option(names = "--expires", paramLabel = "TIME",
      description = "an RFC 3339 time such as 2027-01-31T00:00:00Z, or days from now such as 90d (default: never)")
  private String expires;

  /** The preset named, or null when a list was given. */
  String preset() {
    return Permissions.isPreset(permissions.trim()) ? permissions.trim() : null;
  }

  /** The permissions listed, or null when a preset was named. */
  List<String> list() {
    return preset() != null ? null : Arrays.stream(permissions.split(",")).map(String::trim)
        .filter(p -> !p.isEmpty()).toList();
  }

  /** Epoch milliseconds, or null for a token that never expires. */
  Long expiresAt(Clock clock) {
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
