package io.heartgate.configs;

import io.heartgate.constants.Constant;
import io.heartgate.core.Invalid;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A config's TOML cut into text, {@code &{name}} / {@code &{name:default}} parameters and {@code ::{name}}
 * constants, each knowing where in the TOML it stands, so that a value from the query string (which the agent
 * controls) can never break out of its place. One linear scan finds both kinds; no TOML parse, so serving stays
 * cheap.
 *
 * <p>How a value is written, by where the parameter stands:
 * <ul>
 *   <li>in a basic string ({@code "…"}, also a quoted key) or a multi-line basic string ({@code """…"""}):
 *       {@code \} and {@code "} are escaped as {@code \\} and {@code \"}, tab, line feed, carriage return,
 *       backspace and form feed as {@code \t \n \r \b \f}, any other control character as {@code \}{@code uXXXX}:
 *       the value always ends inside the string it started in;</li>
 *   <li>in a literal string ({@code '…'}), which has no escapes: a value with {@code '} or a control character
 *       other than tab cannot be written and is refused with 400 naming the parameter;</li>
 *   <li>in a multi-line literal string ({@code '''…'''}): the same, except that line feeds are allowed;</li>
 *   <li>outside any string (a bare value or key, e.g. {@code port = &{port}}): only
 *       {@code [A-Za-z0-9_+.:-]}, at least one character: numbers, booleans, dates, bare words; nothing that could
 *       start a string, a table, an array, a comment, a new line or a new key. Anything else is refused with 400.</li>
 * </ul>
 * A default is TOML text the config's author wrote in place, so it is inserted as written and checked when the
 * config is saved. A constant's value is TOML text an operator wrote too: inserted as written, and checked where it
 * is written, when a config using it or the constant itself is saved (see {@link #requireInsertsKeepTheirPlace}).
 * Values (from the query, defaults and constants alike) are never scanned again: a {@code ::{x}} or {@code &{x}}
 * inside one stays text. Parameters and constants inside comments are neither filled nor required: Telegraf drops
 * comments, and a commented-out example must not make one mandatory. {@code ${VAR}}, {@code $VAR} and
 * {@code @{store:key}} are Telegraf's and pass through untouched.
 */
public final class TomlTemplate {
  /** The field a refusal names when constants are undefined, and when parameters have no value. */
  public static final String UNDEFINED_CONSTANTS = "constants";
  public static final String MISSING_PARAMETERS = "query";
  /** Names as the product allows them for parameters and constants. */
  private static final Pattern PARAMETER = Pattern.compile("&\\{([A-Za-z_][A-Za-z0-9_]{0,127})(?::([^}\\r\\n]*))?}");
  private static final Pattern CONSTANT = Pattern.compile("::\\{(" + Constant.NAME_PATTERN + ")}");
  /** An environment variable where Telegraf's non-strict mode replaces it before parsing the TOML. */
  private static final Pattern BARE_ENV = Pattern.compile("\\$\\{[^}\\r\\n]*}|\\$[A-Za-z_][A-Za-z0-9_]*");
  private static final Pattern BARE_VALUE = Pattern.compile("[A-Za-z0-9_+.:-]+");
  /** Longest bare placeholder replaced by a number of the same length when validating (stays a 64-bit integer). */
  private static final int MAX_SAME_LENGTH_NUMBER = 18;

  /** Where a parameter or constant stands, which decides how a value is written. */
  enum Place {
    BASIC_STRING, LITERAL_STRING, MULTILINE_LITERAL_STRING, BARE
  }

  private sealed interface Part permits Text, Parameter, ConstantUse, BareEnv {
  }

  private record Text(String text) implements Part {
  }

  /** @param defaultValue null when the parameter is required */
  private record Parameter(String name, String defaultValue, Place place, String source) implements Part {
  }

  /** A {@code ::{name}}: filled with the constant's value as written. */
  private record ConstantUse(String name, Place place, String source) implements Part {
  }

  /** A Telegraf environment variable outside a string: kept when serving, neutral when validating. */
  private record BareEnv(String source) implements Part {
  }

  private final List<Part> parts;

  private TomlTemplate(List<Part> parts) {
    this.parts = parts;
  }

  /** Cuts the TOML into parts; never fails, whatever the text (invalid TOML is the validator's business). */
  public static TomlTemplate of(String toml) {
    return new Scanner(toml).scan();
  }

  /** How many parameters, constants and Telegraf variables the template holds, each a part of its own. */
  int placeholders() {
    return (int) parts.stream().filter(part -> !(part instanceof Text)).count();
  }

  /** Names of the parameters, in order of first use. */
  public Set<String> parameterNames() {
    Set<String> names = new LinkedHashSet<>();
    parts.forEach(part -> {
      if (part instanceof Parameter p) {
        names.add(p.name());
      }
    });
    return names;
  }

  /** Names of the constants, in order of first use. */
  public Set<String> constantNames() {
    Set<String> names = new LinkedHashSet<>();
    parts.forEach(part -> {
      if (part instanceof ConstantUse c) {
        names.add(c.name());
      }
    });
    return names;
  }

  /**
   * The refusal of a document that cannot be served for want of these names: {@code field} is
   * {@value #UNDEFINED_CONSTANTS} (constants) or {@value #MISSING_PARAMETERS} (parameters); the names are listed in
   * {@code details.missing}.
   */
  public static Invalid missing(String field, Collection<String> names) {
    String message = field.equals(UNDEFINED_CONSTANTS)
        ? "Undefined constants: " + String.join(", ", names) + " (define them under /api/constants)"
        : "Missing config parameters: " + String.join(", ", names) + " (give them in the query string, e.g. ?"
            + names.iterator().next() + "=…)";
    return new Invalid(field, message, Map.of("missing", List.copyOf(names)));
  }

  /**
   * The TOML with every constant and parameter filled: a constant with its value from {@code constants} as
   * written (null: undefined); a parameter with the value from {@code values} (null when the query has none), else
   * the default. Fails with 400 listing every undefined constant, else every parameter that has neither value nor
   * default, or naming a parameter whose value cannot be written where it stands.
   */
  public String render(Function<String, String> values, Function<String, String> constants) {
    Map<String, String> defined = new HashMap<>();
    Set<String> undefined = new LinkedHashSet<>();
    for (Part part : parts) {
      if (part instanceof ConstantUse c && defined.computeIfAbsent(c.name(), constants) == null) {
        undefined.add(c.name());
      }
    }
    if (!undefined.isEmpty()) {
      throw missing(UNDEFINED_CONSTANTS, undefined);
    }
    Map<String, String> given = new HashMap<>();
    Set<String> missing = new LinkedHashSet<>();
    for (Part part : parts) {
      if (part instanceof Parameter p) {
        String value = given.computeIfAbsent(p.name(), values);
        // A name used once with and once without a default is required.
        if (value == null && p.defaultValue() == null) {
          missing.add(p.name());
        }
      }
    }
    if (!missing.isEmpty()) {
      throw missing(MISSING_PARAMETERS, missing);
    }
    // A value is written once for each place it stands in, and the document's size is known before it is built:
    // the value is copied into every use, so a small config could otherwise fill the heap.
    Map<Place, Map<String, String>> writtenValues = new EnumMap<>(Place.class);
    long text = 0;
    long fromQuery = 0;
    long fromConstants = 0;
    for (Part part : parts) {
      if (part instanceof Parameter p) {
        fromQuery += filled(p, given, writtenValues).length();
      } else if (part instanceof ConstantUse c) {
        fromConstants += defined.get(c.name()).length();
      } else {
        text += source(part).length();
      }
    }
    boolean byQuery = fromQuery > fromConstants;
    String field = byQuery ? MISSING_PARAMETERS : UNDEFINED_CONSTANTS;
    String what = "This config filled in with " + (byQuery ? "these parameters" : "its constants");
    StringBuilder out = new StringBuilder(TomlSize.requireFilled(text + fromQuery + fromConstants, field, what));
    for (Part part : parts) {
      if (part instanceof Parameter p) {
        out.append(filled(p, given, writtenValues));
      } else if (part instanceof ConstantUse c) {
        out.append(defined.get(c.name()));
      } else {
        out.append(source(part));
      }
    }
    return TomlSize.requireFilled(out.toString(), field, what);
  }

  /** The use's text: its default when the query has no value, else the value as written where it stands. */
  private static String filled(Parameter use, Map<String, String> given,
      Map<Place, Map<String, String>> writtenValues) {
    String value = given.get(use.name());
    return value == null ? use.defaultValue() : writtenValues.computeIfAbsent(use.place(), place -> new HashMap<>())
        .computeIfAbsent(use.name(), name -> written(use, value));
  }

  /**
   * The TOML as the validator parses it: defined constants replaced by their value from {@code constants} (null:
   * undefined) and parameters by their default, or else by a neutral value of the same length (so reported columns
   * stay true), and Telegraf's bare environment variables by a number, as Telegraf's non-strict mode would have
   * replaced them before parsing. An undefined constant is allowed here: it is refused when the TOML is served.
   */
  public String forValidation(String field, Function<String, String> constants) {
    long length = 0;
    for (Part part : parts) {
      String value = part instanceof ConstantUse c ? constants.apply(c.name()) : null;
      length += value != null ? value.length() : source(part).length();
    }
    String what = field + " with its constants filled in";
    StringBuilder out = new StringBuilder(TomlSize.requireFilled(length, field, what));
    for (Part part : parts) {
      if (part instanceof Parameter p) {
        out.append(p.defaultValue() != null ? p.defaultValue() : neutral(p.place(), p.source()));
      } else if (part instanceof ConstantUse c) {
        String value = constants.apply(c.name());
        out.append(value != null ? value : neutral(c.place(), c.source()));
      } else if (part instanceof BareEnv e) {
        out.append(neutralNumber(e.source().length()));
      } else {
        out.append(source(part));
      }
    }
    return TomlSize.requireFilled(out.toString(), field, what);
  }

  /**
   * Refuses a default, or the value of a defined constant (from {@code constants}, null: undefined), that would
   * open or close a string, or begin a comment, where it stands. The scan reads such text as one opaque piece, so
   * it would misjudge where later parameters stand, and a query value could then leave its string and add keys.
   */
  public void requireInsertsKeepTheirPlace(String field, Function<String, String> constants) {
    for (Part part : parts) {
      if (part instanceof Parameter p && p.defaultValue() != null && !keepsPlace(p.place(), p.defaultValue())) {
        throw new Invalid(field, "The default of parameter " + p.name() + " opens or closes a string or "
            + "begins a comment where it stands; write the quotes around the parameter, not in its default");
      }
      if (part instanceof ConstantUse c) {
        String value = constants.apply(c.name());
        if (value != null && !keepsPlace(c.place(), value)) {
          throw new Invalid(field, "The value of constant " + c.name() + " opens or closes a string or "
              + "begins a comment where it stands; write the quotes around the constant, not in its value");
        }
      }
    }
  }

  static boolean keepsPlace(Place place, String text) {
    return switch (place) {
      case BASIC_STRING -> closing(text, 0, "\"", true) == NOT_CLOSED && !endsInAnOpenEscape(text);
      case LITERAL_STRING, MULTILINE_LITERAL_STRING -> text.indexOf('\'') < 0;
      case BARE -> bareKeepsPlace(text);
    };
  }

  private static final int NOT_CLOSED = -1;

  /** Outside strings: every string the text opens it also closes, and no comment begins. */
  private static boolean bareKeepsPlace(String text) {
    int i = 0;
    while (i < text.length()) {
      char c = text.charAt(i);
      if (c == '#') {
        return false;
      }
      if (c == '"' || c == '\'') {
        String triple = String.valueOf(c).repeat(3);
        String delimiter = text.startsWith(triple, i) ? triple : String.valueOf(c);
        int end = closing(text, i + delimiter.length(), delimiter, c == '"');
        if (end == NOT_CLOSED) {
          return false;
        }
        i = end + delimiter.length();
      } else {
        i++;
      }
    }
    return true;
  }

  /** Where the delimiter next stands from {@code from} on, skipping escaped characters when escapes apply. */
  private static int closing(String text, int from, String delimiter, boolean escapes) {
    for (int i = from; i < text.length(); i++) {
      if (escapes && text.charAt(i) == '\\') {
        i++;
      } else if (text.startsWith(delimiter, i)) {
        return i;
      }
    }
    return NOT_CLOSED;
  }

  /** A backslash at the end would escape whatever follows the default. */
  private static boolean endsInAnOpenEscape(String text) {
    int backslashes = 0;
    for (int i = text.length() - 1; i >= 0 && text.charAt(i) == '\\'; i--) {
      backslashes++;
    }
    return backslashes % 2 == 1;
  }

  private static String source(Part part) {
    if (part instanceof Text t) {
      return t.text();
    }
    if (part instanceof BareEnv e) {
      return e.source();
    }
    return part instanceof ConstantUse c ? c.source() : ((Parameter) part).source();
  }

  /** A stand-in of the same length for a placeholder without a value: a number outside strings, else letters. */
  private static String neutral(Place place, String source) {
    return place == Place.BARE ? neutralNumber(source.length()) : "x".repeat(source.length());
  }

  private static String neutralNumber(int length) {
    return length > MAX_SAME_LENGTH_NUMBER ? "0" : "1" + "0".repeat(length - 1);
  }

  private static String written(Parameter p, String value) {
    return switch (p.place()) {
      case BASIC_STRING -> basicStringEscaped(value);
      case LITERAL_STRING -> {
        requireLiteral(p.name(), value, false);
        yield value;
      }
      case MULTILINE_LITERAL_STRING -> {
        requireLiteral(p.name(), value, true);
        yield value;
      }
      case BARE -> {
        if (!BARE_VALUE.matcher(value).matches()) {
          throw new Invalid(p.name(), "Parameter " + p.name() + " stands outside a string in this config, so "
              + "its value may only hold letters, digits and _ + . : - (at least one)");
        }
        yield value;
      }
    };
  }

  private static void requireLiteral(String name, String value, boolean lineFeedsAllowed) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      boolean control = (c < 0x20 && c != '\t' && !(lineFeedsAllowed && c == '\n')) || c == 0x7f;
      if (c == '\'' || control) {
        throw new Invalid(name, "Parameter " + name + " stands in a literal ('…') string in this config, "
            + "which cannot hold ' or "
            + (lineFeedsAllowed ? "control characters" : "line breaks or control characters")
            + "; use a \"…\" string in the config for such values");
      }
    }
  }

  /** The value as the content of a TOML basic string. */
  static String basicStringEscaped(String value) {
    StringBuilder out = new StringBuilder(value.length() + 8);
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '\\' -> out.append("\\\\");
        case '"' -> out.append("\\\"");
        case '\t' -> out.append("\\t");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        default -> {
          if (c < 0x20 || c == 0x7f) {
            out.append(String.format("\\u%04X", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.toString();
  }

  /** Walks the TOML once, tracking whether it is in a comment or which kind of string. */
  private static final class Scanner {
    private final String s;
    private final List<Part> parts = new ArrayList<>();
    private final StringBuilder text = new StringBuilder();
    private final Matcher parameter;
    private final Matcher constant;
    private final Matcher bareEnv;
    private int i;

    Scanner(String s) {
      this.s = s;
      this.parameter = PARAMETER.matcher(s);
      this.constant = CONSTANT.matcher(s);
      this.bareEnv = BARE_ENV.matcher(s);
    }

    TomlTemplate scan() {
      while (i < s.length()) {
        char c = s.charAt(i);
        if (c == '#') {
          copyUntilLineEnd();
        } else if (s.startsWith("\"\"\"", i)) {
          copy(3);
          stringUntil("\"\"\"", true, Place.BASIC_STRING);
        } else if (c == '"') {
          copy(1);
          stringUntil("\"", true, Place.BASIC_STRING);
        } else if (s.startsWith("'''", i)) {
          copy(3);
          stringUntil("'''", false, Place.MULTILINE_LITERAL_STRING);
        } else if (c == '\'') {
          copy(1);
          stringUntil("'", false, Place.LITERAL_STRING);
        } else if (!placeholderAt(Place.BARE) && !bareEnvAt()) {
          copy(1);
        }
      }
      flush();
      return new TomlTemplate(List.copyOf(parts));
    }

    /** Copies a string's content up to and including its closing delimiter (or a line end for one-line strings). */
    private void stringUntil(String close, boolean escapes, Place place) {
      boolean multiline = close.length() == 3;
      while (i < s.length()) {
        char c = s.charAt(i);
        if (escapes && c == '\\') {
          copy(Math.min(2, s.length() - i));
        } else if (s.startsWith(close, i)) {
          copy(3 == close.length() ? 3 : 1);
          // """" or """"" closes with one or two quotes of content before the delimiter.
          for (int extra = 0; multiline && extra < 2 && i < s.length() && s.charAt(i) == close.charAt(0); extra++) {
            copy(1);
          }
          return;
        } else if (!multiline && (c == '\n' || c == '\r')) {
          return; // invalid TOML; the validator reports it, the scan just goes on outside
        } else if (!placeholderAt(place)) {
          copy(1);
        }
      }
    }

    /** A parameter or a constant starting here, taken as one part. */
    private boolean placeholderAt(Place place) {
      if (s.startsWith("&{", i) && parameter.region(i, s.length()).lookingAt()) {
        flush();
        parts.add(new Parameter(parameter.group(1), parameter.group(2), place, parameter.group()));
        i = parameter.end();
        return true;
      }
      if (s.startsWith("::{", i) && constant.region(i, s.length()).lookingAt()) {
        flush();
        parts.add(new ConstantUse(constant.group(1), place, constant.group()));
        i = constant.end();
        return true;
      }
      return false;
    }

    private boolean bareEnvAt() {
      if (s.charAt(i) != '$' || !bareEnv.region(i, s.length()).lookingAt()) {
        return false;
      }
      flush();
      parts.add(new BareEnv(bareEnv.group()));
      i = bareEnv.end();
      return true;
    }

    private void copyUntilLineEnd() {
      int end = s.indexOf('\n', i);
      copy((end < 0 ? s.length() : end) - i);
    }

    private void copy(int n) {
      text.append(s, i, i + n);
      i += n;
    }

    private void flush() {
      if (!text.isEmpty()) {
        parts.add(new Text(text.toString()));
        text.setLength(0);
      }
    }
  }
}
