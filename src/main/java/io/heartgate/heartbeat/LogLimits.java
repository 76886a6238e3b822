package io.heartgate.heartbeat;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Keeps the logs of a heartbeat within the product's storage limits: at most 200 entries in a 64 KiB budget,
 * chosen by severity and then recency and kept in the order the agent sent them; a message is cut at 8 KiB and
 * the attributes at 2 KiB, and such entries are marked {@code "truncated": true}. Sizes are those of the compact
 * JSON text stored, in UTF-8.
 */
final class LogLimits {
  static final int MAX_ENTRIES = 200;
  static final int MAX_TOTAL_BYTES = 64 * 1024;
  static final int MAX_MESSAGE_BYTES = 8 * 1024;
  static final int MAX_ATTRIBUTES_BYTES = 2 * 1024;
  static final String TRUNCATION_MARK = " (truncated)";

  /**
   * The attributes of an entry as compact JSON text, as the agent ordered them.
   *
   * @param ends where each attribute ({@code "key":value}) ends in {@code json}; the next one starts after a comma
   */
  record Attributes(String json, int[] ends) {
  }

  /** One validated entry; severity 0 is the most severe; attributes null when the agent sent none. */
  record Entry(String time, String level, String source, String message, Attributes attributes, int severity,
      Instant instant, int position) {
  }

  /** What was kept (a JSON array), and how many entries did not fit. */
  record Kept(String entries, int dropped) {
  }

  private LogLimits() {
  }

  static Kept apply(List<Entry> entries, CompactJson json) {
    List<Sized> candidates = new ArrayList<>(entries.size());
    for (Entry entry : entries) {
      String text = capped(entry, json);
      candidates.add(new Sized(entry, text, utf8Length(text)));
    }
    candidates.sort(Comparator.comparingInt((Sized s) -> s.entry().severity())
        .thenComparing((Sized s) -> s.entry().instant(), Comparator.reverseOrder())
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
    StringBuilder array = new StringBuilder(MAX_TOTAL_BYTES - budget + kept.size() + 2).append('[');
    for (int i = 0; i < kept.size(); i++) {
      array.append(i == 0 ? "" : ",").append(kept.get(i).json());
    }
    return new Kept(array.append(']').toString(), entries.size() - kept.size());
  }

  private record Sized(Entry entry, String json, int bytes) {
  }

  /** The entry as stored: time, level, source, attributes, message, and the mark when a field was cut. */
  private static String capped(Entry entry, CompactJson json) {
    boolean truncated = false;
    String message = entry.message();
    if (utf8Length(message) > MAX_MESSAGE_BYTES) {
      message = cut(message, MAX_MESSAGE_BYTES - TRUNCATION_MARK.length()) + TRUNCATION_MARK;
      truncated = true;
    }
    String attributes = entry.attributes() == null ? null : entry.attributes().json();
    if (attributes != null && utf8Length(attributes) > MAX_ATTRIBUTES_BYTES) {
      attributes = keepAttributesWithin(entry.attributes());
      truncated = true;
    }
    try {
      JsonGenerator generator = json.generator();
      generator.writeStartObject();
      generator.writeStringField("time", entry.time());
      generator.writeStringField("level", entry.level());
      generator.writeStringField("source", entry.source());
      if (attributes != null) {
        generator.writeFieldName("attributes");
        generator.writeRawValue(attributes);
      }
      generator.writeStringField("message", message);
      if (truncated) {
        generator.writeBooleanField("truncated", true);
      }
      generator.writeEndObject();
      return json.take();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The leading attributes, in the agent's order, that fit in the attributes budget: each costs its
   * {@code "key":value} and a separator, the braces two.
   */
  private static String keepAttributesWithin(Attributes attributes) {
    String text = attributes.json();
    int used = 2;
    int start = 1;
    int end = 1;
    for (int attributeEnd : attributes.ends()) {
      int size = utf8Length(text.substring(start, attributeEnd)) + 1;
      if (used + size > MAX_ATTRIBUTES_BYTES) {
        break;
      }
      used += size;
      end = attributeEnd;
      start = attributeEnd + 1;
    }
    return text.substring(0, end) + "}";
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

  /** The length of the text in UTF-8 as Java encodes it (an unpaired surrogate becomes one '?'). */
  static int utf8Length(String text) {
    return text.getBytes(StandardCharsets.UTF_8).length;
  }

}
