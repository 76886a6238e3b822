package io.heartgate.heartbeat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Keeps the logs of a heartbeat within the product's storage limits: at most 200 entries in a 64 KiB budget,
 * chosen by severity and then recency and kept in the order the agent sent them; a message is cut at 8 KiB and
 * the attributes at 2 KiB, and such entries are marked {@code "truncated": true}.
 */
final class LogLimits {
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

  private LogLimits() {
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
