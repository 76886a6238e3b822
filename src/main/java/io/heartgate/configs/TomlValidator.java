package io.heartgate.configs;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import com.fasterxml.jackson.dataformat.toml.TomlReadFeature;
import io.heartgate.core.Invalid;
import java.time.DateTimeException;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks on write that a config is TOML that Telegraf can load, with its constants, its parameters and Telegraf's
 * own placeholders standing in (see {@link TomlTemplate#forValidation}); 400 with line and column otherwise.
 */
public final class TomlValidator {
  /** Thread-safe once built; dates and times are read as text. */
  private static final TomlMapper TOML = new TomlMapper();
  /**
   * The same, with dates and times read as such: one that is none (February 30, 25:61) is refused as Telegraf's
   * parser refuses it; read as text it passed.
   */
  private static final TomlMapper DATES = TomlMapper.builder().enable(TomlReadFeature.PARSE_JAVA_TIME).build();
  /** A time: hours to seconds (group 1), its fraction of a second (2) and its offset (3), when there are. */
  private static final Pattern TIME = Pattern.compile("(\\d{2}:\\d{2}:\\d{2})(\\.\\d+)?([+-]\\d{2}:\\d{2})?");
  /** The most of a fraction of a second Java reads: its point and nine digits. */
  private static final int READABLE_FRACTION = 10;
  /** An offset from UTC at the end of a value: its hours (group 1) and minutes (2). */
  private static final Pattern OFFSET = Pattern.compile("[+-](\\d{2}):(\\d{2})$");
  /** The parser's limit of nesting, which Heartgate holds dotted keys and headers to as well. */
  private static final int MAX_DEPTH = TOML.getFactory().streamReadConstraints().getMaxNestingDepth();

  private TomlValidator() {
  }

  /**
   * Fails with 400 naming the field, the parser's reason, and the line and column (both from 1) when known.
   *
   * @param constants the value of each defined constant, written in place as the served TOML will have it; null
   *     for an undefined one
   */
  public static void requireValid(String field, TomlTemplate template, Function<String, String> constants) {
    template.requireInsertsKeepTheirPlace(field, constants);
    String text = template.forValidation(field, constants);
    // Telegraf strips a byte order mark before parsing; the parser would not.
    if (text.startsWith("\uFEFF")) {
      text = text.substring(1);
    }
    JsonNode tree;
    try {
      tree = readTree(field, text);
    } catch (StreamConstraintsException e) {
      throw tooDeep(field);
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      throw notValid(field, at == null ? 0 : at.getLineNr(), at == null ? 0 : at.getColumnNr(),
          e.getOriginalMessage());
    }
    TomlEscapes.Escape surrogate = TomlEscapes.firstSurrogate(text);
    if (surrogate != null) {
      int at = surrogate.at();
      throw notValid(field, lineAt(text, at), at - text.lastIndexOf('\n', at - 1),
          surrogate.written() + " names no Unicode character (a surrogate, D800 to DFFF)");
    }
    requireWhatTelegrafLoads(field, tree);
  }

  /** The line (from 1) of that place in the text. */
  private static int lineAt(String text, int at) {
    return 1 + (int) text.substring(0, at).chars().filter(c -> c == '\n').count();
  }

  /**
   * The document's tree, refused when a date or time in it is none or its offset is not TOML's. Java reads fewer
   * forms than TOML allows (more than nine digits of a second, an offset beyond 18 hours): such values are read with
   * their extra digits dropped and every offset as {@code +00:00}, which leaves their date and time as written; a
   * form still unread is left to the parser alone, and only a value Java read and found impossible (a cause given),
   * or whose offset is beyond TOML's, is refused.
   */
  private static JsonNode readTree(String field, String text) throws JsonProcessingException {
    String readable = javaReadable(text);
    try {
      return DATES.readTree(readable);
    } catch (JsonProcessingException e) {
      // Refused as written: where, and why (two quoted keys may also differ only in what was made readable).
      return TOML.readTree(text);
    } catch (DateTimeException e) {
      DateTimeParseException read = e instanceof DateTimeParseException parse ? parse : null;
      String impossible = read == null ? null : offsetBeyondToml(read.getParsedString());
      if (impossible == null && read != null && read.getCause() != null) {
        impossible = read.getCause().getMessage();
      }
      if (impossible == null) {
        return TOML.readTree(text);
      }
      // The parser reads the whole document before it hands out a token, and says not where: found by its text as
      // read, then placed and quoted in the text as written.
      int readAt = valueAt(readable, read.getParsedString());
      if (readAt < 0) {
        throw notValid(field, 0, 0, "not a date or time: " + read.getParsedString() + " (" + impossible + ")");
      }
      int at = writtenAt(text, readAt);
      String value = text.substring(at, writtenAt(text, readAt + read.getParsedString().length()));
      throw notValid(field, lineAt(text, at), at - text.lastIndexOf('\n', at - 1),
          "not a date or time: " + value + " (" + impossible + ")");
    }
  }

  /** 400 naming the field, the parser's reason, and the line and column (both from 1; none when line is 0). */
  private static Invalid notValid(String field, int line, int column, String reason) {
    Map<String, Object> details = new LinkedHashMap<>();
    String where = "";
    if (line > 0) {
      details.put("line", line);
      details.put("column", column);
      where = " at line " + line + ", column " + column;
    }
    return new Invalid(field, field + " is not valid TOML" + where + ": " + reason, details);
  }

  /**
   * Where that text first stands as a value (after {@code =}, {@code [} or {@code ,}, on its line or, in an array,
   * a later one, comments between); -1 when nowhere. The date and time of the value as read may have been written
   * apart by a space.
   */
  private static int valueAt(String text, String value) {
    String[] dateAndTime = value.split("T", 2);
    String written = dateAndTime.length == 1 ? Pattern.quote(value)
        : Pattern.quote(dateAndTime[0]) + "[T ]" + Pattern.quote(dateAndTime[1]);
    Matcher found = Pattern.compile("[=\\[,](?:\\s|#[^\\n]*+)*(" + written + ")").matcher(text);
    return found.find() ? found.start(1) : -1;
  }

  /**
   * The text with every time's digits of a second beyond nine dropped and every offset TOML allows written
   * {@code +00:00} (the same length; such an offset never makes a date impossible), in one pass: forms TOML allows
   * and Java does not read (more digits, an offset beyond 18 hours). An offset TOML does not allow stays as written,
   * for Java to refuse where it stands as a value (see {@link #offsetBeyondToml}). Text in strings that looks alike
   * changes too; a document that then no longer parses is read as written (see {@link #readTree}).
   */
  private static String javaReadable(String text) {
    return TIME.matcher(text).replaceAll(time -> {
      String fraction = time.group(2) == null ? "" : time.group(2);
      String offset = time.group(3);
      String readable = fraction.substring(0, Math.min(fraction.length(), READABLE_FRACTION));
      return Matcher.quoteReplacement(time.group(1) + readable
          + (offset == null ? "" : offsetBeyondToml(offset) == null ? "+00:00" : offset));
    });
  }

  /**
   * Where a place in {@link #javaReadable}'s text stands in the text as written: past the digits dropped before it. A
   * place at the end of a time made shorter is its end as written.
   */
  private static int writtenAt(String text, int readAt) {
    int dropped = 0;
    Matcher time = TIME.matcher(text);
    while (time.find() && time.start() - dropped <= readAt) {
      int extra = time.group(2) == null ? 0 : Math.max(0, time.group(2).length() - READABLE_FRACTION);
      if (readAt < time.end() - dropped - extra) {
        break;
      }
      dropped += extra;
    }
    return readAt + dropped;
  }

  /**
   * Why the offset at the end of the value is not TOML's (RFC 3339's: hours 00 to 23, minutes 00 to 59), or null
   * when it is or there is none. The parser takes any two digits for each.
   */
  private static String offsetBeyondToml(String value) {
    Matcher offset = OFFSET.matcher(value);
    if (!offset.find()) {
      return null;
    }
    boolean within = Integer.parseInt(offset.group(1)) <= 23 && Integer.parseInt(offset.group(2)) <= 59;
    return within ? null : "an offset's hours run from 00 to 23 and its minutes from 00 to 59";
  }

  /**
   * What the parser takes and Telegraf does not: tables nested deeper than the parser's limit by dotted keys or
   * headers (the parser counts only arrays and inline tables), and integers beyond 64 bits. Walked without
   * recursion, since such a tree may be hundreds of thousands of levels deep.
   */
  private static void requireWhatTelegrafLoads(String field, JsonNode tree) {
    Deque<JsonNode> nodes = new ArrayDeque<>();
    Deque<Integer> depths = new ArrayDeque<>();
    nodes.push(tree);
    depths.push(0);
    while (!nodes.isEmpty()) {
      JsonNode node = nodes.pop();
      int depth = depths.pop();
      if (node.isBigInteger() && node.bigIntegerValue().bitLength() > 63) {
        throw new Invalid(field, field + " is not valid TOML: an integer beyond 64 bits (" + node.asText() + ")");
      }
      if (node.isContainerNode()) {
        if (depth >= MAX_DEPTH) {
          throw tooDeep(field);
        }
        node.forEach(child -> {
          nodes.push(child);
          depths.push(depth + 1);
        });
      }
    }
  }

  private static Invalid tooDeep(String field) {
    return new Invalid(field, field + " is not valid TOML: it nests arrays or tables deeper than " + MAX_DEPTH
        + " levels");
  }
}
