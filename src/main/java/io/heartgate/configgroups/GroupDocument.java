package io.heartgate.configgroups;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import io.heartgate.configs.ConfigService;
import io.heartgate.configs.ServedConfig;
import io.heartgate.configs.TomlSize;
import io.heartgate.configs.TomlTemplate;
import io.heartgate.core.Failure;
import io.heartgate.core.Invalid;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A config group's TOML document: each member in order, after a comment line naming it. The one place the
 * document is put together, for serving and for the check on save that the members combine into one valid TOML
 * document.
 */
final class GroupDocument {
  private static final String FIELD = "configIds";
  /** Thread-safe once built. */
  private static final TomlMapper TOML = new TomlMapper();
  /** A key no config plausibly uses, for probing where a member's keys land. */
  private static final String PROBE = "\"heartgate group probe 5f0c\"";
  private static final String PROBE_KEY = "heartgate group probe 5f0c";

  /** A member: its id and name, and its TOML (as served, or as written for the check). */
  record Member(String id, String name, String toml) {
  }

  private GroupDocument() {
  }

  /**
   * A group's document filled in member by member, in order: refused as soon as the members passed what one config
   * may hold, else as the first member's failure (see {@link #refusal}), else served.
   */
  static final class Filling {
    private static final String TOO_LARGE = "This group filled in with these parameters";
    private final List<Member> members = new ArrayList<>();
    private final List<Throwable> failures = new ArrayList<>();
    private long chars;
    private long lastModified;

    /** @param contentChangedAt when the group's own content last changed, the least Last-Modified of its document */
    Filling(long contentChangedAt) {
      this.lastModified = contentChangedAt;
    }

    /** Adds the member rendered, or its failure; 400 once the members passed what one config may hold. */
    void add(ServedConfig member, Supplier<ConfigService.Rendered> rendered) {
      ConfigService.Rendered document;
      try {
        document = rendered.get();
      } catch (Failure refused) {
        failures.add(refused);
        return;
      }
      chars = TomlSize.requireFilled(chars + document.toml().length(), TomlTemplate.MISSING_PARAMETERS, TOO_LARGE);
      members.add(new Member(member.id(), member.name(), document.toml()));
      lastModified = Math.max(lastModified, document.lastModified());
    }

    /**
     * The document, at most {@link TomlSize#MAX_BYTES} of UTF-8 with the lines naming its members (the characters
     * counted as the members come only bound the work).
     */
    Future<ConfigService.Rendered> document() {
      if (!failures.isEmpty()) {
        return Future.failedFuture(refusal(failures));
      }
      String document = TomlSize.requireFilled(of(members), TomlTemplate.MISSING_PARAMETERS, TOO_LARGE);
      return Future.succeededFuture(new ConfigService.Rendered(document, lastModified));
    }
  }

  /** The document: an empty group is an empty document. */
  static String of(List<Member> members) {
    StringBuilder out = new StringBuilder();
    for (Member member : members) {
      section(out, member, member.toml());
    }
    return out.toString();
  }

  /**
   * Why the group cannot be served, from its members' failures in the order they are served: the first one, except
   * that names missing from several members (undefined constants first, then parameters) are listed together.
   */
  static Throwable refusal(List<Throwable> failures) {
    Throwable first = failures.get(0);
    if (!(first instanceof Invalid invalid) || missingNames(first, invalid.field()) == null) {
      return first;
    }
    String field = failures.stream().anyMatch(failure -> missingNames(failure, TomlTemplate.UNDEFINED_CONSTANTS)
        != null) ? TomlTemplate.UNDEFINED_CONSTANTS : invalid.field();
    Set<String> names = new LinkedHashSet<>();
    for (Throwable failure : failures) {
      List<?> missing = missingNames(failure, field);
      if (missing != null) {
        missing.forEach(name -> names.add(String.valueOf(name)));
      }
    }
    return TomlTemplate.missing(field, names);
  }

  /** The names a refusal on {@code field} lists as missing; null for any other failure. */
  private static List<?> missingNames(Throwable failure, String field) {
    return failure instanceof Invalid invalid && field.equals(invalid.field())
        && invalid.details().get("missing") instanceof List<?> missing ? missing : null;
  }

  /** The constants the members use. */
  static Set<String> constantNames(List<Member> members) {
    Set<String> names = new HashSet<>();
    members.forEach(m -> names.addAll(TomlTemplate.of(m.toml()).constantNames()));
    return names;
  }

  /**
   * Refuses members whose TOML cannot be served one after the other: 400 naming both members when two define the
   * same table or key, or when a member's top-level keys would land in the last table of a member before it
   * (TOML has no way back to the top level). Parameters and Telegraf's placeholders stand in as on save of a
   * config, constants with their values from {@code constants} (see {@link TomlTemplate#forValidation}). The
   * members have passed {@link #requireSmallEnough}, which bounds the parsing.
   */
  static void requireCombinable(List<Member> members, Function<String, String> constants) {
    List<String> sections = members.stream().map(m -> {
      StringBuilder out = new StringBuilder();
      section(out, m, TomlTemplate.of(m.toml()).forValidation(FIELD, constants));
      return out.toString();
    }).toList();
    TomlSize.requireFilled(sections.stream().mapToLong(String::length).sum(), FIELD,
        "The members' TOML with their constants filled in");
    if (parse(String.join("", sections)) == null) {
      throw clash(members, sections);
    }
    for (int later = 1; later < members.size(); later++) {
      if (!hasTopLevelKeys(sections.get(later))) {
        continue;
      }
      for (int earlier = later - 1; earlier >= 0; earlier--) {
        if (endsInATable(sections.get(earlier))) {
          throw new Invalid(FIELD, "Config " + label(members.get(later)) + " starts with keys outside any table; "
              + "after config " + label(members.get(earlier)) + " they would land in its last table. Put it "
              + "first, or move those keys into a table", names(members.get(earlier), members.get(later)));
        }
      }
    }
  }

  /**
   * Refuses members whose TOML together is larger than one config may hold: the combinability check parses the
   * document several times, and a group serves it whole.
   */
  static void requireSmallEnough(List<Member> members) {
    long bytes = members.stream().mapToLong(m -> m.toml().getBytes(StandardCharsets.UTF_8).length).sum();
    if (bytes > TomlSize.MAX_BYTES) {
      throw new Invalid(FIELD, "The members' TOML together is " + bytes + " bytes; a group serves at most "
          + TomlSize.MAX_BYTES + " bytes, as one config may hold");
    }
  }

  /** The first member that does not combine with those before it, and the earlier one it clashes with. */
  private static Invalid clash(List<Member> members, List<String> sections) {
    StringBuilder prefix = new StringBuilder(sections.get(0));
    for (int later = 1; later < sections.size(); later++) {
      prefix.append(sections.get(later));
      if (parse(prefix.toString()) != null) {
        continue;
      }
      for (int earlier = 0; earlier < later; earlier++) {
        if (parse(sections.get(earlier) + sections.get(later)) == null) {
          return new Invalid(FIELD, "Configs " + label(members.get(earlier)) + " and " + label(members.get(later))
              + " cannot be served in one document: they define the same table or key",
              names(members.get(earlier), members.get(later)));
        }
      }
      return new Invalid(FIELD, "Config " + label(members.get(later)) + " cannot be served after the configs "
          + "before it: the combined document is not valid TOML", Map.of("configs", List.of(
              Map.of("id", members.get(later).id(), "name", members.get(later).name()))));
    }
    return new Invalid(FIELD, "The members' TOML is not valid TOML");
  }

  /** Whether keys appended after the section would belong to a table rather than to the top level. */
  private static boolean endsInATable(String section) {
    JsonNode tree = parse(section + "\n" + PROBE + " = 0\n");
    return tree != null && !tree.has(PROBE_KEY);
  }

  /** Whether the section has keys before its first table header. */
  private static boolean hasTopLevelKeys(String section) {
    JsonNode tree = parse("[" + PROBE + "]\n" + section);
    return tree != null && tree.path(PROBE_KEY).size() > 0;
  }

  private static void section(StringBuilder out, Member member, String toml) {
    if (out.length() > 0 && out.charAt(out.length() - 1) != '\n') {
      out.append('\n');
    }
    out.append("# config: ").append(commentSafe(member.name())).append(" (").append(member.id()).append(")\n");
    // Telegraf strips a byte order mark at the start of a document only; within one it is not TOML.
    out.append(toml.startsWith("\uFEFF") ? toml.substring(1) : toml);
  }

  /**
   * The name as comment text: control characters (TOML allows none but tab in a comment, and a line break would
   * end the comment) and Unicode line and paragraph separators become spaces.
   */
  static String commentSafe(String name) {
    StringBuilder safe = new StringBuilder(name.length());
    name.codePoints().forEach(c -> {
      int type = Character.getType(c);
      boolean unsafe = c != '\t' && (type == Character.CONTROL || type == Character.LINE_SEPARATOR
          || type == Character.PARAGRAPH_SEPARATOR);
      safe.appendCodePoint(unsafe ? ' ' : c);
    });
    return safe.toString();
  }

  private static String label(Member member) {
    return "'" + member.name() + "' (" + member.id() + ")";
  }

  private static Map<String, Object> names(Member a, Member b) {
    return Map.of("configs", List.of(Map.of("id", a.id(), "name", a.name()), Map.of("id", b.id(), "name", b.name())));
  }

  /** The tree, or null when the text is not valid TOML. */
  private static JsonNode parse(String text) {
    try {
      return TOML.readTree(text);
    } catch (JsonProcessingException e) {
      return null;
    }
  }
}
