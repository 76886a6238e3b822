package io.heartgate.heartbeat;

import io.heartgate.core.Check;
import io.heartgate.core.Invalid;
import io.heartgate.core.StrictUtf8;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Test-only oracle: the tree-model heartbeat parser (and its log limits) exactly as it was before
 * {@link HeartbeatParser} became a single streaming pass, frozen here so that
 * {@link HeartbeatParserEquivalenceTest} and the parse microbenchmark can compare the two byte for byte. Its limits
 * are literal copies on purpose: it must not follow later changes to the production constants. Do not "fix" it.
 */
public final class TreeHeartbeatParserOracle {
  static final int MAX_DEPTH = 32;
  static final int MAX_ID = 256;
  static final int MAX_TEXT = 1024;
  static final int MAX_CONFIGURATIONS = 1000;
  static final int MAX_CONFIGURATIONS_BYTES = 16 * 1024;
  static final int MAX_HOSTNAME = 255;
  static final int MAX_VERSION = 256;
  static final int MAX_CONFIGURATION = 4096;
  private static final List<String> LEVELS = List.of("ERROR", "WARN", "INFO", "DEBUG", "TRACE");
  private static final List<String> STATUSES = List.of("OK", "WARN", "FAIL", "UNDEFINED");
  private static final Check.Text ID = Check.Text.required(MAX_ID).asName();
  private static final Check.Text HOSTNAME = Check.Text.optional(MAX_HOSTNAME).orBlank().asName();
  private static final Check.Text VERSION = Check.Text.required(MAX_VERSION).asName();
  private static final Check.Text OPTIONAL_TEXT = Check.Text.optional(MAX_TEXT).orBlank();
  private static final Check.Text CONFIGURATION = Check.Text.optional(MAX_CONFIGURATION).orBlank().asName();
  private static final Check.Text LOG_TIME = Check.Text.required(64);
  /** Level and source of a log entry must be there; an agent-level log line has an empty source. */
  private static final Check.Text LOG_FIELD = Check.Text.required(MAX_TEXT).orBlank();
  private static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
      .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .build())
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private TreeHeartbeatParserOracle() {
  }

  /** Parses and validates a body; throws {@link Invalid} naming the first bad field. */
  public static HeartbeatBody parse(byte[] body) {
    ObjectNode root = readObject(body);
    String id = HeartbeatParser.agentId(Check.text("id", textAt(root, "id"), ID));
    String version = Check.text("version", textAt(root, "version"), VERSION);
    ObjectNode extras = JsonNodeFactory.instance.objectNode();
    Long schema = integer(root, "schema", 1);
    extras.put("schema", schema == null ? 1 : schema);
    Long last = integer(root, "last", 0);
    if (last != null) {
      extras.put("last", last);
    }
    String hostname = Check.text("hostname", textAt(root, "hostname"), HOSTNAME);
    ArrayNode configurations = configurations(root);
    ObjectNode statistics = statistics(root);
    String status = enumeration(root, "status", "status", STATUSES, OPTIONAL_TEXT);
    String logs = null;
    if (present(root, "logs")) {
      TreeLogLimits.Kept kept = TreeLogLimits.apply(logEntries(root.get("logs")));
      logs = kept.entries().toString();
      if (kept.dropped() > 0) {
        extras.put("logsDropped", kept.dropped());
      }
    }
    return new HeartbeatBody(id, version, hostname, status == null ? null : status.toLowerCase(Locale.ROOT),
        statistics == null ? null : statistics.toString(), configurations.toString(), logs, extras.toString());
  }

  private static ObjectNode readObject(byte[] body) {
    if (body == null || body.length == 0) {
      throw Invalid.request("The request body is empty; expected a heartbeat JSON object");
    }
    if (!StrictUtf8.valid(body)) {
      throw Invalid.request("The request body is not valid UTF-8 JSON");
    }
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (StreamConstraintsException e) {
      String reason = String.valueOf(e.getOriginalMessage());
      StreamReadConstraints limits = JSON.getFactory().streamReadConstraints();
      if (reason.startsWith("Number value length")) {
        throw Invalid.request("The request body holds a number longer than " + limits.getMaxNumberLength()
            + " digits");
      }
      if (reason.startsWith("Name length")) {
        throw Invalid.request("The request body holds a field name longer than " + limits.getMaxNameLength()
            + " characters");
      }
      throw Invalid.request("The request body is nested deeper than " + MAX_DEPTH + " levels");
    } catch (JsonProcessingException e) {
      if (String.valueOf(e.getOriginalMessage()).startsWith("Duplicate field")) {
        // Which of two values would count is unclear: refuse rather than pick one.
        throw Invalid.request("The request body repeats a field: " + e.getOriginalMessage());
      }
      String where = e.getLocation() == null ? ""
          : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
      throw Invalid.request("The request body is not valid UTF-8 JSON" + where);
    } catch (IOException e) {
      throw Invalid.request("The request body could not be read");
    }
    if (!(root instanceof ObjectNode object)) {
      throw Invalid.request("The request body must be a JSON object");
    }
    return object;
  }

  /** Absent and JSON null are the same: the agent did not include the field. */
  private static boolean present(JsonNode parent, String field) {
    JsonNode value = parent.get(field);
    return value != null && !value.isNull();
  }

  /** A field as {@link Check#text} reads it: null when the agent did not include it, else {@link #textOf}. */
  private static Object textAt(JsonNode parent, String field) {
    return present(parent, field) ? textOf(parent.get(field)) : null;
  }

  /** The text of a JSON string; any other node is handed over as it is, for Check to refuse as not a string. */
  private static Object textOf(JsonNode value) {
    return value.isTextual() ? value.textValue() : value;
  }

  private static Long integer(JsonNode parent, String field, long min) {
    return integer(parent, field, field, min);
  }

  private static Long integer(JsonNode parent, String field, String path, long min) {
    if (!present(parent, field)) {
      return null;
    }
    JsonNode value = parent.get(field);
    if (!value.isIntegralNumber() || !value.canConvertToLong()) {
      throw new Invalid(path, path + " must be an integer");
    }
    long number = value.longValue();
    if (number < min) {
      throw new Invalid(path, path + " must be at least " + min);
    }
    return number;
  }

  private static String enumeration(JsonNode parent, String field, String path, List<String> allowed,
      Check.Text rule) {
    String value = Check.text(path, textAt(parent, field), rule);
    if (value != null && !allowed.contains(value)) {
      throw new Invalid(path, path + " must be one of " + String.join(", ", allowed));
    }
    return value;
  }

  private static ArrayNode configurations(JsonNode root) {
    if (!present(root, "configurations")) {
      return JsonNodeFactory.instance.arrayNode();
    }
    JsonNode value = root.get("configurations");
    if (!value.isArray()) {
      throw new Invalid("configurations", "configurations must be an array of strings");
    }
    if (value.size() > MAX_CONFIGURATIONS) {
      throw new Invalid("configurations", "configurations may list at most " + MAX_CONFIGURATIONS
          + " sources");
    }
    long bytes = 0;
    for (int i = 0; i < value.size(); i++) {
      String configuration = Check.text("configurations[" + i + "]", textOf(value.get(i)), CONFIGURATION);
      bytes += configuration == null ? 0 : StrictUtf8.length(configuration);
    }
    if (bytes > MAX_CONFIGURATIONS_BYTES) {
      throw new Invalid("configurations", "configurations may hold at most " + MAX_CONFIGURATIONS_BYTES
          + " bytes (UTF-8) in all");
    }
    return (ArrayNode) value;
  }

  private static ObjectNode statistics(JsonNode root) {
    if (!present(root, "statistics")) {
      return null;
    }
    JsonNode value = root.get("statistics");
    if (!value.isObject()) {
      throw new Invalid("statistics", "statistics must be an object with errors, warnings and metrics");
    }
    ObjectNode kept = JsonNodeFactory.instance.objectNode();
    for (String counter : List.of("errors", "warnings", "metrics")) {
      String path = "statistics." + counter;
      Long number = integer(value, counter, path, 0);
      if (number == null) {
        throw new Invalid(path, path + " is required");
      }
      kept.put(counter, number);
    }
    return kept;
  }

  private static List<TreeLogLimits.Entry> logEntries(JsonNode value) {
    if (!value.isArray()) {
      throw new Invalid("logs", "logs must be an array of log entries");
    }
    List<TreeLogLimits.Entry> entries = new ArrayList<>(value.size());
    for (int i = 0; i < value.size(); i++) {
      entries.add(logEntry(value.get(i), "logs[" + i + "]", i));
    }
    return entries;
  }

  private static TreeLogLimits.Entry logEntry(JsonNode value, String path, int position) {
    if (!value.isObject()) {
      throw new Invalid(path, path + " must be an object with time, level, source and message");
    }
    String timePath = path + ".time";
    String time = Check.text(timePath, textAt(value, "time"), LOG_TIME);
    Instant instant = Check.time(timePath, time);
    String level = enumeration(value, "level", path + ".level", LEVELS, LOG_FIELD);
    String source = Check.text(path + ".source", textAt(value, "source"), LOG_FIELD);
    if (!present(value, "message") || !value.get("message").isTextual()) {
      throw new Invalid(path + ".message", path + ".message is required and must be a string");
    }
    Check.unicode(path + ".message", value.get("message").textValue());
    ObjectNode entry = JsonNodeFactory.instance.objectNode()
        .put("time", time)
        .put("level", level)
        .put("source", source);
    if (present(value, "attributes")) {
      if (!value.get("attributes").isObject()) {
        throw new Invalid(path + ".attributes", path + ".attributes must be an object");
      }
      requireUnicode(path + ".attributes", value.get("attributes"));
      entry.set("attributes", value.get("attributes"));
    }
    entry.put("message", value.get("message").textValue());
    return new TreeLogLimits.Entry(entry, LEVELS.indexOf(level), instant, position);
  }

  /** The log limits as they were: size each entry by serialising its tree. */
  static final class TreeLogLimits {
    static final int MAX_ENTRIES = 200;
    static final int MAX_TOTAL_BYTES = 64 * 1024;
    static final int MAX_MESSAGE_BYTES = 8 * 1024;
    static final int MAX_ATTRIBUTES_BYTES = 2 * 1024;
    static final String TRUNCATION_MARK = " (truncated)";

    /** One validated entry; severity 0 is the most severe. */
    record Entry(ObjectNode json, int severity, Instant time, int position) {
    }

    /** What was kept, and how many entries did not fit. */
    record Kept(ArrayNode entries, int dropped) {
    }

    private TreeLogLimits() {
    }

    static Kept apply(List<Entry> entries) {
      List<Sized> candidates = new ArrayList<>(entries.size());
      for (Entry entry : entries) {
        capFields(entry.json());
        candidates.add(new Sized(entry, utf8Length(entry.json().toString())));
      }
      candidates.sort(Comparator.comparingInt((Sized s) -> s.entry().severity())
          .thenComparing((Sized s) -> s.entry().time(), Comparator.reverseOrder())
          .thenComparing((Sized s) -> s.entry().position(), Comparator.reverseOrder()));
      List<Sized> kept = new ArrayList<>();
      int budget = MAX_TOTAL_BYTES;
      for (Sized candidate : candidates) {
        if (kept.size() == MAX_ENTRIES || candidate.bytes() > budget) {
          break;
        }
        kept.add(candidate);
        budget -= candidate.bytes();
      }
      kept.sort(Comparator.comparingInt((Sized s) -> s.entry().position()));
      ArrayNode array = JsonNodeFactory.instance.arrayNode(kept.size());
      kept.forEach(s -> array.add(s.entry().json()));
      return new Kept(array, entries.size() - kept.size());
    }

    private record Sized(Entry entry, int bytes) {
    }

    private static void capFields(ObjectNode entry) {
      boolean truncated = false;
      String message = entry.get("message").asText();
      if (utf8Length(message) > MAX_MESSAGE_BYTES) {
        entry.put("message", cut(message, MAX_MESSAGE_BYTES - TRUNCATION_MARK.length()) + TRUNCATION_MARK);
        truncated = true;
      }
      JsonNode attributes = entry.get("attributes");
      if (attributes instanceof ObjectNode object && utf8Length(object.toString()) > MAX_ATTRIBUTES_BYTES) {
        entry.set("attributes", keepAttributesWithin(object));
        truncated = true;
      }
      if (truncated) {
        entry.put("truncated", true);
      }
    }

    /** The leading attributes, in the agent's order, that fit in the attributes budget. */
    private static ObjectNode keepAttributesWithin(ObjectNode attributes) {
      ObjectNode kept = JsonNodeFactory.instance.objectNode();
      int used = 2;
      for (Iterator<Map.Entry<String, JsonNode>> it = attributes.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        ObjectNode single = JsonNodeFactory.instance.objectNode().set(field.getKey(), field.getValue());
        int size = utf8Length(single.toString()) - 1;
        if (used + size > MAX_ATTRIBUTES_BYTES) {
          break;
        }
        kept.set(field.getKey(), field.getValue());
        used += size;
      }
      return kept;
    }

    /** The longest prefix of the text whose UTF-8 form fits in maxBytes, never splitting a character. */
    static String cut(String text, int maxBytes) {
      int bytes = 0;
      int end = 0;
      while (end < text.length()) {
        int codePoint = text.codePointAt(end);
        int size = codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;
        if (bytes + size > maxBytes) {
          break;
        }
        bytes += size;
        end += Character.charCount(codePoint);
      }
      return text.substring(0, end);
    }

    static int utf8Length(String text) {
      return text.getBytes(StandardCharsets.UTF_8).length;
    }
  }

  /** Every name and string value in the tree is Unicode text without NUL, else 400 naming the tree's field. */
  private static void requireUnicode(String field, JsonNode tree) {
    tree.fieldNames().forEachRemaining(name -> unicodeOf(field, name));
    for (JsonNode child : tree) {
      if (child.isTextual()) {
        unicodeOf(field, child.textValue());
      } else if (child.isContainerNode()) {
        requireUnicode(field, child);
      }
    }
  }

  private static void unicodeOf(String field, String text) {
    try {
      Check.unicode(field, text);
    } catch (Invalid e) {
      throw new Invalid(field, field + " must not contain NUL characters or unpaired surrogates");
    }
  }
}
