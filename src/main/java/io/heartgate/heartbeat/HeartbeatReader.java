package io.heartgate.heartbeat;

import static io.heartgate.heartbeat.HeartbeatFields.OTHER_TYPE;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import io.heartgate.core.Check;
import io.heartgate.core.Invalid;
import io.heartgate.core.StrictUtf8;
import java.io.IOException;
import java.nio.CharBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads a heartbeat body in one streaming pass: strict JSON (no repeated field at any level, at most 32 levels,
 * nothing after the object), the known fields collected as {@link HeartbeatFields}, log attributes copied as
 * compact JSON text on the way, everything else skipped. Refuses only what is not a readable JSON object; the
 * schema's rules are {@link HeartbeatParser}'s.
 */
final class HeartbeatReader {
  static final int MAX_DEPTH = 32;
  static final JsonFactory JSON = JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .build();

  private HeartbeatReader() {
  }

  static HeartbeatFields read(byte[] body, CompactJson json) {
    if (body == null || body.length == 0) {
      throw Invalid.request("The request body is empty; expected a heartbeat JSON object");
    }
    if (!StrictUtf8.valid(body)) {
      throw unreadable(null);
    }
    try (JsonParser parser = JSON.createParser(body)) {
      JsonToken first = parser.nextToken();
      if (first != JsonToken.START_OBJECT) {
        if (first != null) {
          parser.skipChildren();
          refuseTrailingTokens(parser);
        }
        throw Invalid.request("The request body must be a JSON object");
      }
      HeartbeatFields fields = root(parser, json);
      refuseTrailingTokens(parser);
      return fields;
    } catch (StreamConstraintsException e) {
      throw beyondLimits(e);
    } catch (JsonProcessingException e) {
      if (String.valueOf(e.getOriginalMessage()).startsWith("Duplicate field")) {
        // Which of two values would count is unclear: refuse rather than pick one.
        throw Invalid.request("The request body repeats a field: " + e.getOriginalMessage());
      }
      throw unreadable(e.getLocation());
    } catch (IOException e) {
      throw Invalid.request("The request body could not be read");
    }
  }

  /**
   * Which of the reader's limits the body passed: its nesting, a number's digits or a name's length (a string's
   * limit, 20 million characters, is beyond the body's 1 MiB).
   */
  private static Invalid beyondLimits(StreamConstraintsException e) {
    StreamReadConstraints limits = JSON.streamReadConstraints();
    String reason = String.valueOf(e.getOriginalMessage());
    if (reason.startsWith("Number value length")) {
      return Invalid.request("The request body holds a number longer than " + limits.getMaxNumberLength()
          + " digits");
    }
    if (reason.startsWith("Name length")) {
      return Invalid.request("The request body holds a field name longer than " + limits.getMaxNameLength()
          + " characters");
    }
    return Invalid.request("The request body is nested deeper than " + MAX_DEPTH + " levels");
  }

  private static Invalid unreadable(JsonLocation location) {
    String where = location == null ? ""
        : " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
    return Invalid.request("The request body is not valid UTF-8 JSON" + where);
  }

  private static void refuseTrailingTokens(JsonParser parser) throws IOException {
    if (parser.nextToken() != null) {
      throw unreadable(parser.currentTokenLocation());
    }
  }

  private static HeartbeatFields root(JsonParser parser, CompactJson json) throws IOException {
    HeartbeatFields fields = new HeartbeatFields();
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String name = parser.currentName();
      parser.nextToken();
      switch (name) {
        case "id" -> fields.id = text(parser);
        case "version" -> fields.version = text(parser);
        case "hostname" -> fields.hostname = text(parser);
        case "status" -> fields.status = text(parser);
        case "schema" -> fields.schema = integer(parser);
        case "last" -> fields.last = integer(parser);
        case "configurations" -> fields.configurations = configurations(parser);
        case "statistics" -> fields.statistics = statistics(parser);
        case "logs" -> fields.logs = logs(parser, json);
        default -> parser.skipChildren();
      }
    }
    return fields;
  }

  /** Reads the value the parser is on, if of one JSON type. */
  @FunctionalInterface
  private interface ValueReader {
    Object read(JsonParser parser) throws IOException;
  }

  /**
   * The value the parser is on: null when JSON null (absent), {@link #OTHER_TYPE} (skipped) when not of the
   * expected type, else what the reader makes of it.
   */
  private static Object typed(JsonParser parser, JsonToken expected, ValueReader reader) throws IOException {
    JsonToken token = parser.currentToken();
    if (token == JsonToken.VALUE_NULL) {
      return null;
    }
    if (token != expected) {
      parser.skipChildren();
      return OTHER_TYPE;
    }
    return reader.read(parser);
  }

  private static Object text(JsonParser parser) throws IOException {
    return typed(parser, JsonToken.VALUE_STRING, JsonParser::getText);
  }

  /** An integer within 64 bits; a fraction or a larger integer is of another type. */
  private static Object integer(JsonParser parser) throws IOException {
    return typed(parser, JsonToken.VALUE_NUMBER_INT, number ->
        number.getNumberType() == JsonParser.NumberType.BIG_INTEGER ? OTHER_TYPE : number.getLongValue());
  }

  private static Object configurations(JsonParser parser) throws IOException {
    return typed(parser, JsonToken.START_ARRAY, HeartbeatReader::configurationItems);
  }

  private static List<Object> configurationItems(JsonParser parser) throws IOException {
    List<Object> items = new ArrayList<>();
    while (parser.nextToken() != JsonToken.END_ARRAY) {
      // An item is never absent: JSON null is refused as not a string.
      items.add(parser.currentToken() == JsonToken.VALUE_STRING ? parser.getText() : skipped(parser));
    }
    return items;
  }

  private static Object skipped(JsonParser parser) throws IOException {
    parser.skipChildren();
    return OTHER_TYPE;
  }

  private static Object statistics(JsonParser parser) throws IOException {
    return typed(parser, JsonToken.START_OBJECT, HeartbeatReader::statisticsFields);
  }

  private static HeartbeatFields.Statistics statisticsFields(JsonParser parser) throws IOException {
    HeartbeatFields.Statistics statistics = new HeartbeatFields.Statistics();
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String name = parser.currentName();
      parser.nextToken();
      switch (name) {
        case "errors" -> statistics.errors = integer(parser);
        case "warnings" -> statistics.warnings = integer(parser);
        case "metrics" -> statistics.metrics = integer(parser);
        default -> parser.skipChildren();
      }
    }
    return statistics;
  }

  private static Object logs(JsonParser parser, CompactJson json) throws IOException {
    return typed(parser, JsonToken.START_ARRAY, array -> logEntries(array, json));
  }

  private static List<Object> logEntries(JsonParser parser, CompactJson json) throws IOException {
    List<Object> entries = new ArrayList<>();
    while (parser.nextToken() != JsonToken.END_ARRAY) {
      entries.add(parser.currentToken() == JsonToken.START_OBJECT ? logEntry(parser, json) : skipped(parser));
    }
    return entries;
  }

  private static HeartbeatFields.LogFields logEntry(JsonParser parser, CompactJson json) throws IOException {
    HeartbeatFields.LogFields entry = new HeartbeatFields.LogFields();
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String name = parser.currentName();
      parser.nextToken();
      switch (name) {
        case "time" -> entry.time = text(parser);
        case "level" -> entry.level = text(parser);
        case "source" -> entry.source = text(parser);
        case "message" -> entry.message = text(parser);
        case "attributes" -> entry.attributes = attributes(parser, json);
        default -> parser.skipChildren();
      }
    }
    return entry;
  }

  /** The attributes as compact JSON text, with where each attribute ends in it (to cut them if too long). */
  private static Object attributes(JsonParser parser, CompactJson json) throws IOException {
    return typed(parser, JsonToken.START_OBJECT, object -> compactAttributes(object, json));
  }

  /** {@link HeartbeatFields#NOT_UNICODE} when a name or a string in them holds NUL or an unpaired surrogate. */
  private static Object compactAttributes(JsonParser parser, CompactJson json) throws IOException {
    JsonGenerator generator = json.generator();
    generator.writeStartObject();
    int[] ends = new int[8];
    int count = 0;
    boolean unicode = true;
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      unicode &= copyChecked(parser, generator);
      parser.nextToken();
      unicode &= copyChecked(parser, generator);
      if (count == ends.length) {
        ends = Arrays.copyOf(ends, count * 2);
      }
      ends[count++] = json.length();
    }
    generator.writeEndObject();
    String text = json.take();
    return unicode ? new LogLimits.Attributes(text, Arrays.copyOf(ends, count)) : HeartbeatFields.NOT_UNICODE;
  }

  /**
   * Copies the name or value the parser is on (a whole object or array), as {@code copyCurrentStructure} does;
   * false when a name or a string in it holds NUL or an unpaired surrogate.
   */
  private static boolean copyChecked(JsonParser parser, JsonGenerator generator) throws IOException {
    boolean unicode = true;
    int depth = 0;
    do {
      JsonToken token = parser.currentToken();
      if (token == JsonToken.FIELD_NAME) {
        unicode &= Check.wellFormed(parser.currentName());
      } else if (token == JsonToken.VALUE_STRING) {
        // The parser's own buffer, not a String made for the check.
        unicode &= Check.wellFormed(CharBuffer.wrap(parser.getTextCharacters(), parser.getTextOffset(),
            parser.getTextLength()));
      } else if (token.isStructStart()) {
        depth++;
      } else if (token.isStructEnd()) {
        depth--;
      }
      generator.copyCurrentEvent(parser);
    } while (depth > 0 && parser.nextToken() != null);
    return unicode;
  }
}
