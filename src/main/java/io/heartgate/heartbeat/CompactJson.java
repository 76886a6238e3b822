package io.heartgate.heartbeat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;

/**
 * Writes the stored JSON parts of one heartbeat (log attributes and entries, statistics, configurations, extras)
 * as compact JSON text, one part after the other through one generator, so that each part is serialised once.
 */
final class CompactJson implements AutoCloseable {
  private final Text out = new Text();
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

  /** Characters of the current part written so far (some may still be in the generator's buffer). */
  int length() {
    return out.text.length() + generator.getOutputBuffered();
  }

  /** The part written since the last take; the next part starts empty. */
  String take() throws IOException {
    generator.flush();
    String part = out.text.toString();
    out.text.setLength(0);
    return part;
  }

  /** Hands the generator's buffers back to Jackson's pool for the next heartbeat. */
  @Override
  public void close() {
    try {
      generator.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A StringWriter without its lock: the generator is the only writer, on one thread. */
  private static final class Text extends Writer {
    private final StringBuilder text = new StringBuilder(512);

    @Override
    public void write(char[] chars, int offset, int length) {
      text.append(chars, offset, length);
    }

    @Override
    public void write(String string, int offset, int length) {
      text.append(string, offset, offset + length);
    }

    @Override
    public void write(int c) {
      text.append((char) c);
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }
  }
}
