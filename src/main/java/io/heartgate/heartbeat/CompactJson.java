package io.heartgate.heartbeat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.StringWriter;
import java.io.Writer;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.Map;

/**
 * Compact JSON text of a parsed tree, written straight with Jackson's generator: the same text as
 * {@code JsonNode.toString()}, without the serializer provider and object writer that {@code toString()} sets up
 * on every call (a heartbeat re-encodes several parts of its body, on the event loop).
 */
final class CompactJson {
  private static final JsonFactory FACTORY = new JsonFactory();

  private CompactJson() {
  }

  static String text(JsonNode node) {
    StringWriter out = new StringWriter(256);
    try (JsonGenerator generator = FACTORY.createGenerator(out)) {
      write(generator, node);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  /**
   * The length of {@code text(node).getBytes(UTF_8)}, without building the text (a lone surrogate counts one
   * byte, as the JDK encodes it as {@code ?}).
   */
  static int utf8Length(JsonNode node) {
    Utf8Counter counter = new Utf8Counter();
    try (JsonGenerator generator = FACTORY.createGenerator(counter)) {
      write(generator, node);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return counter.total();
  }

  private static void write(JsonGenerator out, JsonNode node) throws IOException {
    switch (node.getNodeType()) {
      case OBJECT -> {
        out.writeStartObject();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> field = it.next();
          out.writeFieldName(field.getKey());
          write(out, field.getValue());
        }
        out.writeEndObject();
      }
      case ARRAY -> {
        out.writeStartArray();
        for (JsonNode item : node) {
          write(out, item);
        }
        out.writeEndArray();
      }
      case STRING -> out.writeString(node.textValue());
      case BOOLEAN -> out.writeBoolean(node.booleanValue());
      case NULL -> out.writeNull();
      case NUMBER -> {
        switch (node.numberType()) {
          case INT, LONG -> out.writeNumber(node.longValue());
          case BIG_INTEGER -> out.writeNumber(node.bigIntegerValue());
          case FLOAT -> out.writeNumber(node.floatValue());
          case DOUBLE -> out.writeNumber(node.doubleValue());
          case BIG_DECIMAL -> out.writeNumber(node.decimalValue());
        }
      }
      // A parsed body holds none of these; keep toString()'s text if one ever turns up.
      default -> out.writeRawValue(node.toString());
    }
  }

  private static final class Utf8Counter extends Writer {
    private int bytes;
    private boolean highSurrogatePending;

    @Override
    public void write(char[] chars, int off, int len) {
      for (int i = off; i < off + len; i++) {
        count(chars[i]);
      }
    }

    @Override
    public void write(String text, int off, int len) {
      for (int i = off; i < off + len; i++) {
        count(text.charAt(i));
      }
    }

    @Override
    public void write(int c) {
      count((char) c);
    }

    private void count(char c) {
      if (highSurrogatePending) {
        highSurrogatePending = false;
        if (Character.isLowSurrogate(c)) {
          bytes += 4;
          return;
        }
        bytes += 1;
      }
      if (c < 0x80) {
        bytes += 1;
      } else if (c < 0x800) {
        bytes += 2;
      } else if (Character.isHighSurrogate(c)) {
        highSurrogatePending = true;
      } else if (Character.isLowSurrogate(c)) {
        bytes += 1;
      } else {
        bytes += 3;
      }
    }

    int total() {
      return bytes + (highSurrogatePending ? 1 : 0);
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }
  }
}
