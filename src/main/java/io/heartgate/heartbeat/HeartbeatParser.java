package io.heartgate.heartbeat;

import static io.heartgate.heartbeat.HeartbeatFields.OTHER_TYPE;

import com.fasterxml.jackson.core.JsonGenerator;
import io.heartgate.core.Check;
import io.heartgate.core.Invalid;
import io.heartgate.core.StrictUtf8;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads a heartbeat body against Telegraf's schema v1: {@code id} and {@code version} required, every known
 * field type- and enum-checked, unknown fields ignored (a later schema may add some). Each problem is a 400
 * naming the field; nothing is half-accepted. The body is read once ({@link HeartbeatReader}), then the fields
 * are checked in a fixed order (id, version, schema, last, hostname, configurations, statistics, status, logs),
 * so the field a refusal names does not depend on the order of the document.
 */
public final class HeartbeatParser {
  static final int MAX_ID = 256;
  static final int MAX_TEXT = 1024;
  static final int MAX_CONFIGURATIONS = 1000;
  static final int MAX_CONFIGURATION = 4096;
  /**
   * UTF-8 bytes of all the configuration sources together: every agent record carries them, on each page of the
   * agents listing too (a thousand agents of 1 MiB each made one page a gigabyte).
   */
  static final int MAX_CONFIGURATIONS_BYTES = 16 * 1024;
  /** A host name of DNS is at most 253 characters. */
  static final int MAX_HOSTNAME = 255;
  /** Telegraf's is about 40 ("Telegraf 1.39.3 (git: HEAD@eb37a442)"). */
  static final int MAX_VERSION = 256;
  private static final List<String> LEVELS = List.of("ERROR", "WARN", "INFO", "DEBUG", "TRACE");
  private static final List<String> STATUSES = List.of("OK", "WARN", "FAIL", "UNDEFINED");
  private static final List<String> COUNTERS = List.of("errors", "warnings", "metrics");
  private static final Check.Text ID = Check.Text.required(MAX_ID).asName();
  private static final Check.Text HOSTNAME = Check.Text.optional(MAX_HOSTNAME).orBlank().asName();
  private static final Check.Text VERSION = Check.Text.required(MAX_VERSION).asName();
  private static final Check.Text OPTIONAL_TEXT = Check.Text.optional(MAX_TEXT).orBlank();
  private static final Check.Text CONFIGURATION = Check.Text.optional(MAX_CONFIGURATION).orBlank().asName();
  private static final Check.Text LOG_TIME = Check.Text.required(64);
  /** Level and source of a log entry must be there; an agent-level log line has an empty source. */
  private static final Check.Text LOG_FIELD = Check.Text.required(MAX_TEXT).orBlank();

  private HeartbeatParser() {
  }

  /** Parses and validates a body; throws {@link Invalid} naming the first bad field. */
  public static HeartbeatBody parse(byte[] body) {
    try (CompactJson json = new CompactJson(HeartbeatReader.JSON)) {
      return parse(body, json);
    }
  }

  private static HeartbeatBody parse(byte[] body, CompactJson json) {
    HeartbeatFields fields = HeartbeatReader.read(body, json);
    String id = agentId(Check.text("id", fields.id, ID));
    String version = Check.text("version", fields.version, VERSION);
    Long schema = integer("schema", fields.schema, 1);
    Long last = integer("last", fields.last, 0);
    String hostname = Check.text("hostname", fields.hostname, HOSTNAME);
    List<String> configurations = configurations(fields.configurations);
    long[] statistics = statistics(fields.statistics);
    String status = enumeration("status", fields.status, STATUSES, OPTIONAL_TEXT);
    LogLimits.Kept logs = fields.logs == null ? null : LogLimits.apply(logEntries(fields.logs), json);
    try {
      JsonGenerator out = json.generator();
      String statisticsJson = null;
      if (statistics != null) {
        out.writeStartObject();
        for (int i = 0; i < COUNTERS.size(); i++) {
          out.writeNumberField(COUNTERS.get(i), statistics[i]);
        }
        out.writeEndObject();
        statisticsJson = json.take();
      }
      out.writeStartArray();
      for (String configuration : configurations) {
        out.writeString(configuration);
      }
      out.writeEndArray();
      String configurationsJson = json.take();
      out.writeStartObject();
      out.writeNumberField("schema", schema == null ? 1 : schema);
      if (last != null) {
        out.writeNumberField("last", last);
      }
      if (logs != null && logs.dropped() > 0) {
        out.writeNumberField("logsDropped", logs.dropped());
      }
      out.writeEndObject();
      String extras = json.take();
      return new HeartbeatBody(id, version, hostname, status == null ? null : status.toLowerCase(Locale.ROOT),
          statisticsJson, configurationsJson, logs == null ? null : logs.entries(), extras);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Long integer(String path, Object value, long min) {
    if (value == null) {
      return null;
    }
    if (value == OTHER_TYPE) {
      throw new Invalid(path, path + " must be an integer");
    }
    long number = (Long) value;
    if (number < min) {
      throw new Invalid(path, path + " must be at least " + min);
    }
    return number;
  }

  private static String enumeration(String path, Object value, List<String> allowed, Check.Text rule) {
    String text = Check.text(path, value, rule);
    if (text != null && !allowed.contains(text)) {
      throw new Invalid(path, path + " must be one of " + String.join(", ", allowed));
    }
    return text;
  }

  /**
   * The id, unless it is {@code .} or {@code ..}: a URL's path cannot name such an agent (clients and the gateway
   * resolve the dot segments), so it could be neither read nor deleted.
   */
  static String agentId(String id) {
    if (id.equals(".") || id.equals("..")) {
      throw new Invalid("id", "id may not be . or ..: no URL could name the agent");
    }
    return id;
  }

  private static List<String> configurations(Object value) {
    if (value == null) {
      return List.of();
    }
    if (value == OTHER_TYPE) {
      throw new Invalid("configurations", "configurations must be an array of strings");
    }
    List<Object> items = HeartbeatFields.items(value);
    if (items.size() > MAX_CONFIGURATIONS) {
      throw new Invalid("configurations", "configurations may list at most " + MAX_CONFIGURATIONS
          + " sources");
    }
    List<String> configurations = new ArrayList<>(items.size());
    long bytes = 0;
    for (int i = 0; i < items.size(); i++) {
      String configuration = Check.text("configurations[" + i + "]", items.get(i), CONFIGURATION);
      bytes += configuration == null ? 0 : StrictUtf8.length(configuration);
      configurations.add(configuration);
    }
    if (bytes > MAX_CONFIGURATIONS_BYTES) {
      throw new Invalid("configurations", "configurations may hold at most " + MAX_CONFIGURATIONS_BYTES
          + " bytes (UTF-8) in all");
    }
    return configurations;
  }

  /** errors, warnings and metrics, or null when the agent did not include statistics. */
  private static long[] statistics(Object value) {
    if (value == null) {
      return null;
    }
    if (value == OTHER_TYPE) {
      throw new Invalid("statistics", "statistics must be an object with errors, warnings and metrics");
    }
    HeartbeatFields.Statistics read = (HeartbeatFields.Statistics) value;
    Object[] counters = {read.errors, read.warnings, read.metrics};
    long[] kept = new long[counters.length];
    for (int i = 0; i < counters.length; i++) {
      String path = "statistics." + COUNTERS.get(i);
      Long number = integer(path, counters[i], 0);
      if (number == null) {
        throw new Invalid(path, path + " is required");
      }
      kept[i] = number;
    }
    return kept;
  }

  private static List<LogLimits.Entry> logEntries(Object value) {
    if (value == OTHER_TYPE) {
      throw new Invalid("logs", "logs must be an array of log entries");
    }
    List<Object> items = HeartbeatFields.items(value);
    List<LogLimits.Entry> entries = new ArrayList<>(items.size());
    for (int i = 0; i < items.size(); i++) {
      entries.add(logEntry(items.get(i), "logs[" + i + "]", i));
    }
    return entries;
  }

  private static LogLimits.Entry logEntry(Object value, String path, int position) {
    if (value == OTHER_TYPE) {
      throw new Invalid(path, path + " must be an object with time, level, source and message");
    }
    HeartbeatFields.LogFields entry = (HeartbeatFields.LogFields) value;
    String timePath = path + ".time";
    String time = Check.text(timePath, entry.time, LOG_TIME);
    Instant instant = Check.time(timePath, time);
    String level = enumeration(path + ".level", entry.level, LEVELS, LOG_FIELD);
    String source = Check.text(path + ".source", entry.source, LOG_FIELD);
    if (!(entry.message instanceof String message)) {
      throw new Invalid(path + ".message", path + ".message is required and must be a string");
    }
    if (!Check.wellFormed(message)) {
      Check.unicode(path + ".message", message);
    }
    if (entry.attributes == OTHER_TYPE) {
      throw new Invalid(path + ".attributes", path + ".attributes must be an object");
    }
    if (entry.attributes == HeartbeatFields.NOT_UNICODE) {
      throw new Invalid(path + ".attributes", path + ".attributes must not contain NUL characters or unpaired "
          + "surrogates");
    }
    return new LogLimits.Entry(time, level, source, message, (LogLimits.Attributes) entry.attributes,
        LEVELS.indexOf(level), instant, position);
  }
}
