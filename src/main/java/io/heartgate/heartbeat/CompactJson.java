package io.heartgate.heartbeat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;

/**
 * Writes the stored JSON parts of one heartbeat (log attributes and entries, statistics, configurations, extras)
 * as compact JSON text, one part after the other through one generator, so that each part is serialised once.
 */
final class CompactJson {
  private final StringWriter out = new StringWriter();
  private final JsonGenerator generator;

  CompactJson(JsonFactory factory) {
    try {
      generator = factory.createGenerator(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    // Parts are taken apart, not read as one document: no space between them.
    generator.setRootValueSeparator(null);
  }

  JsonGenerator generator() {
    return generator;
  }

  /** Characters of the current part written so far. */
  int length() throws IOException {
    generator.flush();
    return out.getBuffer().length();
  }

  /** The part written since the last take; the next part starts empty. */
  String take() throws IOException {
    generator.flush();
    StringBuffer buffer = out.getBuffer();
    String part = buffer.toString();
    buffer.setLength(0);
    return part;
  }
}
