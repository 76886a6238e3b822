package io.heartgate.configs;

import io.heartgate.core.Check;
import io.heartgate.core.Invalid;
import io.vertx.core.json.JsonObject;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The rule for aliases of configs and config groups: 3 to 63 of {@code [a-z0-9-]}, first and last a letter or
 * digit. {@code bulk}, {@code duplicate} and {@code many} are reserved (they are, or may become, words of the API's
 * paths), and so is anything shaped like a UUID, so that an alias can never be taken for an id.
 */
public final class Alias {
  public static final String FIELD = "alias";
  private static final Pattern SHAPE = Pattern.compile("[a-z0-9][a-z0-9-]{1,61}[a-z0-9]");
  private static final Pattern UUID_SHAPE =
      Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
  private static final Set<String> RESERVED = Set.of("bulk", "duplicate", "many");

  /** What an update does to an alias: sets it to {@code alias}, or removes it when that is null. */
  public record Change(String alias) {
  }

  private Alias() {
  }

  /** A valid alias, or null when {@code value} is null (none); 400 naming the field otherwise. */
  public static String check(Object value) {
    String alias = Check.text(FIELD, value, Check.Text.optional(Integer.MAX_VALUE).orBlank());
    if (alias == null) {
      return null;
    }
    if (!SHAPE.matcher(alias).matches()) {
      throw new Invalid(FIELD, "alias must be 3 to 63 characters of a-z, 0-9 and '-', starting and ending with a "
          + "letter or digit");
    }
    if (RESERVED.contains(alias) || UUID_SHAPE.matcher(alias).matches()) {
      throw new Invalid(FIELD, "alias " + alias + " is reserved");
    }
    return alias;
  }

  /** The alias change a PATCH body asks for: null when it has no {@code "alias"}. */
  public static Change change(JsonObject body) {
    return body.containsKey(FIELD) ? new Change(check(body.getValue(FIELD))) : null;
  }
}
