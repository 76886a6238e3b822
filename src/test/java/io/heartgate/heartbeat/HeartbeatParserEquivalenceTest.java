package io.heartgate.heartbeat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.heartgate.core.Invalid;
import io.heartgate.testsupport.TelegrafAgent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.provider.Arguments;

/**
 * The streaming {@link HeartbeatParser} against the tree-model parser it replaced ({@link TreeHeartbeatParserOracle}):
 * on every upstream fixture, every body of {@link HeartbeatBadInputTest} and {@link LogLimitsTest}, and thousands
 * of seeded random mutations, both accept with an equal {@link HeartbeatBody} or refuse with the same field,
 * message and details.
 */
class HeartbeatParserEquivalenceTest {
  private static final long SEED = 20_261_125L;
  private static final int MUTATIONS = 3000;
  private static final int LOG_HEAVY = 150;
  private static final List<String> KNOWN = List.of("id", "version", "schema", "last", "hostname", "status",
      "configurations", "statistics", "logs", "errors", "warnings", "metrics", "time", "level", "source", "message",
      "attributes");
  private static final List<String> NUMBERS = List.of("0", "-0", "1", "-1", "7", "2147483648", "9223372036854775807",
      "9223372036854775808", "-9223372036854775809", "99999999999999999999999", "1.5", "1e2", "1E+2", "-0.0",
      "0.1000", "1e400", "-1e400", "2.5e-400", "123456789012345678901234567890.5", "1.0");
  private static final List<String> TEXTS = List.of("", " ", "OK", "WARN", "FAIL", "UNDEFINED", "ok", "ERROR", "INFO",
      "DEBUG", "TRACE", "FATAL", "2026-11-25T04:32:26Z", "2026-11-25T04:32:26.5+02:00", "2026-11-25T04:32:26",
      "yesterday", "+999999999-12-31T23:59:59Z", "inputs.cpu", "a\u0000b", "\ud800", "x\udc00y", "\ud83d\ude00",
      "é".repeat(300), "x".repeat(257), "x".repeat(1025), "y".repeat(4097), "é".repeat(5000),
      "\"quoted\" \\ back/slash\n\t", "\u2028\u2029", "日本語", "\u007f\u0001");
  private static final List<byte[]> BAD_UTF8 = List.of(new byte[] {(byte) 0xff}, new byte[] {(byte) 0xc3},
      new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80}, new byte[] {(byte) 0xf4, (byte) 0x90, (byte) 0x80,
          (byte) 0x80}, new byte[] {(byte) 0xc0, (byte) 0x80}, new byte[] {(byte) 0xe2, (byte) 0x82},
      new byte[] {(byte) 0x80});
  private static final List<String> TRAILERS = List.of(" x", " {}", "}", "]", " 1", "\u0000", "//c", " null", "\n\n ",
      ",", "  ", " \"s\"", " [[[[", " tru");
  private static final List<String> WHOLE_BODIES = List.of(" ", "\n", "null", "null x", "[]", "[1e400] x", "\"str\"",
      "\"\\ud800\"", "42", "{}", "{} ", "{}{}", "[", "{", "{\"id\":", "\"\u00e9", "[\"a\",", "-", "nul", "{\"id\":\"a\","
      + "\"version\":\"v\",}", "{\"id\":\"a\",\"version\":\"v\"}\u0000", "{'id':'a'}", "{\"id\":\"a\" \"version\":\"v\"}");
  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** A JSON object that may repeat a key, to provoke duplicate detection. */
  private static final class Obj {
    final List<String> keys = new ArrayList<>();
    final List<Object> values = new ArrayList<>();

    Obj put(String key, Object value) {
      keys.add(key);
      values.add(value);
      return this;
    }

    /** Puts, or replaces the value of the key's first occurrence. */
    Obj set(String key, Object value) {
      int at = keys.indexOf(key);
      if (at < 0) {
        return put(key, value);
      }
      values.set(at, value);
      return this;
    }
  }

  /** A literal written as it is: null, true, false or a number in any of its spellings. */
  private record Literal(String text) {
  }

  private final Map<String, Integer> tally = new TreeMap<>();

  @Test
  void streamingParserAnswersExactlyAsTheTreeParserDid() {
    List<byte[]> bodies = new ArrayList<>();
    for (String fixture : TelegrafAgent.FIXTURES) {
      bodies.add(TelegrafAgent.fixture(fixture).getBytes(StandardCharsets.UTF_8));
    }
    bodies.add(TelegrafAgent.fixture("schema_v1.json").getBytes(StandardCharsets.UTF_8));
    HeartbeatBadInputTest.schemaViolations().map(Arguments::get)
        .forEach(a -> bodies.add(((String) a[1]).getBytes(StandardCharsets.UTF_8)));
    HeartbeatBadInputTest.unreadableBodies().map(Arguments::get).forEach(a -> bodies.add((byte[]) a[1]));
    bodies.add(LogLimitsTest.body(LogLimitsTest.severityMix()));
    bodies.add(LogLimitsTest.body(LogLimitsTest.overLimits()));
    WHOLE_BODIES.forEach(b -> bodies.add(b.getBytes(StandardCharsets.UTF_8)));
    bodies.add(null);
    bodies.add(new byte[0]);
    // Invalid UTF-8 where the streaming parser skips a string without reading it: same refusal, same position.
    for (byte[] bad : BAD_UTF8) {
      for (String around : List.of("{\"id\":\"a\",\"version\":\"v\",\"x\":\"ab%scd\"}", "{\"x\":[\"%s\"],\"id\":1}",
          "\"%s\"", "[\"%s\"]", "{\"id\":[\"x%s\"]}", "{\"logs\":[{\"y\":{\"z\":\"%s\"}}]}", "{\"%s\":1}")) {
        String[] halves = around.split("%s");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(halves[0].getBytes(StandardCharsets.UTF_8));
        out.writeBytes(bad);
        out.writeBytes(halves[1].getBytes(StandardCharsets.UTF_8));
        bodies.add(out.toByteArray());
      }
    }
    for (byte[] body : bodies) {
      assertSameOutcome(body);
    }

    Random random = new Random(SEED);
    for (int i = 0; i < MUTATIONS; i++) {
      assertSameOutcome(mutatedFixture(random));
    }
    for (int i = 0; i < LOG_HEAVY; i++) {
      assertSameOutcome(logHeavy(random));
    }
    System.out.println("HeartbeatParserEquivalenceTest compared: " + tally);
    // Each kind of answer must actually have been compared, or the comparison proves little.
    for (String kind : List.of("accepted", "accepted, logs cut", "accepted, logs dropped", "refused, unreadable",
        "refused, a field")) {
      assertTrue(tally.getOrDefault(kind, 0) >= 30, kind + " compared too rarely: " + tally);
    }
  }

  private void assertSameOutcome(byte[] body) {
    String expected = outcome(TreeHeartbeatParserOracle::parse, body);
    String actual = outcome(HeartbeatParser::parse, body);
    if (!expected.equals(actual)) {
      assertEquals(clip(expected), clip(actual), "body: " + clip(body == null ? "null"
          : new String(body, StandardCharsets.UTF_8)));
      assertEquals(expected, actual);
    }
    if (expected.startsWith("accepted")) {
      tally.merge("accepted", 1, Integer::sum);
      if (expected.contains("\"truncated\":true")) {
        tally.merge("accepted, logs cut", 1, Integer::sum);
      }
      if (expected.contains("logsDropped")) {
        tally.merge("accepted, logs dropped", 1, Integer::sum);
      }
    } else {
      tally.merge(expected.contains("field=null") ? "refused, unreadable" : "refused, a field", 1, Integer::sum);
    }
  }

  private static String outcome(Function<byte[], HeartbeatBody> parser, byte[] body) {
    try {
      HeartbeatBody parsed = parser.apply(body);
      return "accepted " + parsed;
    } catch (Invalid e) {
      return "refused field=" + e.field() + " message=" + e.getMessage() + " details=" + e.details();
    } catch (RuntimeException e) {
      return "threw " + e;
    }
  }

  private static String clip(String text) {
    return text.length() <= 2000 ? text : text.substring(0, 2000) + "… (" + text.length() + " characters)";
  }

  // ------------------------------------------------------------------------------------------------------------
  // Mutations of the upstream fixtures

  private static byte[] mutatedFixture(Random random) {
    List<String> fixtures = TelegrafAgent.FIXTURES;
    String name = random.nextInt(3) == 0 ? "heartbeat_test.TestIncludedExtraData.all.json"
        : fixtures.get(random.nextInt(fixtures.size()));
    Object root = model(read(TelegrafAgent.fixture(name)));
    int changes = 1 + random.nextInt(3);
    for (int i = 0; i < changes; i++) {
      change(root, random);
    }
    byte[] body = render(root, random);
    return random.nextInt(4) == 0 ? damage(body, random) : body;
  }

  private static void change(Object root, Random random) {
    List<Obj> objects = new ArrayList<>();
    List<List<Object>> arrays = new ArrayList<>();
    collect(root, objects, arrays);
    if (!arrays.isEmpty() && random.nextInt(4) == 0) {
      List<Object> array = arrays.get(random.nextInt(arrays.size()));
      int at = array.isEmpty() ? 0 : random.nextInt(array.size());
      switch (array.isEmpty() ? 0 : random.nextInt(4)) {
        case 0 -> array.add(at, value(random, 1));
        case 1 -> array.remove(at);
        case 2 -> array.add(at, array.get(at));
        default -> array.set(at, value(random, 1));
      }
      return;
    }
    Obj object = random.nextInt(3) == 0 ? (Obj) root : objects.get(random.nextInt(objects.size()));
    int at = object.keys.isEmpty() ? 0 : random.nextInt(object.keys.size());
    switch (object.keys.isEmpty() ? 0 : random.nextInt(6)) {
      case 0 -> object.put(random.nextBoolean() ? KNOWN.get(random.nextInt(KNOWN.size())) : "unknown"
          + random.nextInt(3), value(random, 1));
      case 1 -> {
        object.keys.remove(at);
        object.values.remove(at);
      }
      case 2 -> object.put(object.keys.get(at), value(random, 1));
      case 3 -> object.keys.set(at, KNOWN.get(random.nextInt(KNOWN.size())));
      default -> object.values.set(at, value(random, 1));
    }
  }

  private static void collect(Object node, List<Obj> objects, List<List<Object>> arrays) {
    if (node instanceof Obj object) {
      objects.add(object);
      object.values.forEach(v -> collect(v, objects, arrays));
    } else if (node instanceof List<?> list) {
      @SuppressWarnings("unchecked")
      List<Object> array = (List<Object>) list;
      arrays.add(array);
      array.forEach(v -> collect(v, objects, arrays));
    }
  }

  private static Object value(Random random, int depth) {
    int kind = random.nextInt(depth > 3 ? 5 : 9);
    switch (kind) {
      case 0:
        return new Literal("null");
      case 1:
        return new Literal(random.nextBoolean() ? "true" : "false");
      case 2:
        return new Literal(NUMBERS.get(random.nextInt(NUMBERS.size())));
      case 3:
        return TEXTS.get(random.nextInt(TEXTS.size()));
      case 4:
        return unicode(random, random.nextInt(40));
      case 5: {
        List<Object> array = new ArrayList<>();
        for (int i = random.nextInt(4); i > 0; i--) {
          array.add(value(random, depth + 1));
        }
        return array;
      }
      case 6: {
        Obj object = new Obj();
        for (int i = random.nextInt(4); i > 0; i--) {
          object.put(random.nextBoolean() ? KNOWN.get(random.nextInt(KNOWN.size())) : unicode(random, 3),
              value(random, depth + 1));
        }
        return object;
      }
      case 7:
        return statisticsOrEntry(random);
      default: {
        // Nesting around the limit of 32 levels.
        Object nested = value(random, 4);
        for (int i = 25 + random.nextInt(15); i > 0; i--) {
          nested = random.nextBoolean() ? new ArrayList<>(List.of(nested)) : new Obj().put("n", nested);
        }
        return nested;
      }
    }
  }

  /** Nearly valid statistics or a nearly valid log entry, so that nested checks are reached. */
  private static Object statisticsOrEntry(Random random) {
    if (random.nextBoolean()) {
      return new Obj().put("errors", new Literal("0")).put("warnings", new Literal(NUMBERS.get(random.nextInt(4))))
          .put("metrics", new Literal("5"));
    }
    return new ArrayList<>(List.of(entry(random, Instant.parse("2026-11-25T04:00:00Z"))));
  }

  /** The text without NUL and unpaired surrogates, which a log entry may not carry. */
  private static String wellFormed(String text) {
    StringBuilder kept = new StringBuilder();
    text.codePoints().filter(c -> c != 0 && !Character.isSurrogate((char) c)).forEach(kept::appendCodePoint);
    return kept.toString();
  }

  private static String unicode(Random random, int length) {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < length; i++) {
      switch (random.nextInt(8)) {
        case 0 -> text.append((char) random.nextInt(0x20));
        case 1 -> text.append((char) (0x80 + random.nextInt(0x780)));
        case 2 -> text.append((char) (0x800 + random.nextInt(0xD000)));
        case 3 -> text.appendCodePoint(0x10000 + random.nextInt(0x10000));
        case 4 -> text.append(random.nextInt(20) == 0 ? (char) (0xD800 + random.nextInt(0x800)) : 'q');
        case 5 -> text.append("\"\\/".charAt(random.nextInt(3)));
        default -> text.append((char) (0x20 + random.nextInt(0x5f)));
      }
    }
    return text.toString();
  }

  /** Damage at the byte level: a cut, trailing data, a stray byte, invalid UTF-8 in a string, a BOM, UTF-16. */
  private static byte[] damage(byte[] body, Random random) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int at = random.nextInt(body.length + 1);
    switch (random.nextInt(7)) {
      case 0 -> out.write(body, 0, at);
      case 1 -> {
        out.writeBytes(body);
        out.writeBytes(TRAILERS.get(random.nextInt(TRAILERS.size())).getBytes(StandardCharsets.UTF_8));
      }
      case 2 -> {
        out.write(body, 0, at);
        out.write(random.nextInt(256));
        out.write(body, at, body.length - at);
      }
      case 3 -> {
        int quote = indexOf(body, (byte) '"', at);
        int cut = quote < 0 ? at : quote + 1;
        out.write(body, 0, cut);
        out.writeBytes(BAD_UTF8.get(random.nextInt(BAD_UTF8.size())));
        out.write(body, cut, body.length - cut);
      }
      case 4 -> {
        out.writeBytes(new byte[] {(byte) 0xef, (byte) 0xbb, (byte) 0xbf});
        out.writeBytes(body);
      }
      case 5 -> out.writeBytes(new String(body, StandardCharsets.UTF_8)
          .getBytes(random.nextBoolean() ? StandardCharsets.UTF_16BE : StandardCharsets.UTF_16LE));
      default -> {
        out.writeBytes(body);
        if (body.length > 0) {
          byte[] bytes = out.toByteArray();
          bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
          return bytes;
        }
      }
    }
    return out.toByteArray();
  }

  private static int indexOf(byte[] body, byte wanted, int from) {
    for (int i = from; i < body.length; i++) {
      if (body[i] == wanted) {
        return i;
      }
    }
    return -1;
  }

  // ------------------------------------------------------------------------------------------------------------
  // Heartbeats with many, long, unicode-rich logs, to reach every branch of the log limits

  private static byte[] logHeavy(Random random) {
    Instant t0 = Instant.parse("2026-11-25T04:00:00Z");
    List<Object> logs = new ArrayList<>();
    int count = switch (random.nextInt(3)) {
      case 0 -> random.nextInt(6);
      case 1 -> 190 + random.nextInt(60);
      default -> random.nextInt(400);
    };
    for (int i = 0; i < count; i++) {
      logs.add(entry(random, t0));
    }
    if (count > 0 && random.nextInt(10) == 0) {
      // A NUL or an unpaired surrogate in one entry's message or attribute name refuses the whole heartbeat.
      Obj spoiled = (Obj) logs.get(random.nextInt(count));
      if (random.nextBoolean()) {
        spoiled.set("message", "a\u0000b");
      } else {
        spoiled.set("attributes", new Obj().put("k\udc01", new Literal("1")));
      }
    }
    Obj root = new Obj().put("id", "heavy-" + random.nextInt(1000)).put("version", "Telegraf 1.39.3")
        .put("logs", logs);
    if (random.nextBoolean()) {
      root.put("status", "WARN").put("last", new Literal("12")).put("statistics", statisticsOrEntry(random));
    }
    if (random.nextInt(20) == 0) {
      change(root, random);
    }
    return render(root, random);
  }

  private static Obj entry(Random random, Instant t0) {
    Instant time = t0.plusSeconds(random.nextInt(600)).plusMillis(random.nextInt(4) == 0 ? random.nextInt(1000) : 0);
    String spelled = random.nextInt(5) == 0 ? time.atOffset(ZoneOffset.ofHours(random.nextInt(25) - 12)).toString()
        : time.toString();
    List<String> levels = List.of("ERROR", "WARN", "INFO", "DEBUG", "TRACE");
    List<Object[]> fields = new ArrayList<>();
    fields.add(new Object[] {"time", spelled});
    fields.add(new Object[] {"level", levels.get(random.nextInt(5))});
    fields.add(new Object[] {"source", random.nextInt(10) == 0 ? "" : "inputs.p" + random.nextInt(9)});
    fields.add(new Object[] {"message", message(random)});
    if (random.nextInt(5) < 2) {
      fields.add(new Object[] {"attributes", random.nextInt(30) == 0 ? new Literal("null") : attributes(random)});
    }
    if (random.nextInt(10) == 0) {
      fields.add(new Object[] {"extra" + random.nextInt(3), value(random, 4)});
    }
    java.util.Collections.shuffle(fields, random);
    Obj entry = new Obj();
    fields.forEach(f -> entry.put((String) f[0], f[1]));
    return entry;
  }

  private static String message(Random random) {
    int length = random.nextInt(10) == 0 ? 2500 + random.nextInt(7000) : random.nextInt(200);
    StringBuilder text = new StringBuilder();
    String[] pieces = {"x", "é", "日", "\ud83d\ude00", " ", "\n", "\""};
    while (text.length() < length) {
      text.append(pieces[random.nextInt(pieces.length)]);
    }
    return text.toString();
  }

  private static Obj attributes(Random random) {
    Obj attributes = new Obj();
    int count = random.nextInt(4) == 0 ? 20 + random.nextInt(80) : random.nextInt(6);
    for (int i = 0; i < count; i++) {
      Object value = switch (random.nextInt(6)) {
        case 0 -> new Literal(NUMBERS.get(random.nextInt(NUMBERS.size())));
        case 1 -> new Literal(random.nextBoolean() ? "true" : "null");
        case 2 -> new Obj().put("inner", wellFormed(unicode(random, 5))).put("n", new Literal("1.0"));
        case 3 -> new ArrayList<>(List.of(new Literal("1e2"), "é"));
        default -> wellFormed(unicode(random, random.nextInt(80)));
      };
      attributes.put("key" + i + wellFormed(unicode(random, random.nextInt(3))), value);
    }
    return attributes;
  }

  // ------------------------------------------------------------------------------------------------------------
  // The mutable model and its rendering in many spellings

  private static JsonNode read(String json) {
    try {
      return MAPPER.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Object model(JsonNode node) {
    if (node.isObject()) {
      Obj object = new Obj();
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        object.put(field.getKey(), model(field.getValue()));
      }
      return object;
    }
    if (node.isArray()) {
      List<Object> array = new ArrayList<>();
      node.forEach(item -> array.add(model(item)));
      return array;
    }
    return node.isTextual() ? node.textValue() : new Literal(node.toString());
  }

  private static byte[] render(Object root, Random random) {
    StringBuilder json = new StringBuilder();
    render(root, json, random);
    return json.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static void render(Object node, StringBuilder json, Random random) {
    if (node instanceof Obj object) {
      json.append('{').append(space(random));
      for (int i = 0; i < object.keys.size(); i++) {
        json.append(i == 0 ? "" : "," + space(random));
        string(object.keys.get(i), json, random);
        json.append(space(random)).append(':').append(space(random));
        render(object.values.get(i), json, random);
      }
      json.append(space(random)).append('}');
    } else if (node instanceof List<?> array) {
      json.append('[');
      for (int i = 0; i < array.size(); i++) {
        json.append(i == 0 ? "" : "," + space(random));
        render(array.get(i), json, random);
      }
      json.append(']');
    } else if (node instanceof String text) {
      string(text, json, random);
    } else {
      json.append(((Literal) node).text());
    }
  }

  private static String space(Random random) {
    int kind = random.nextInt(12);
    return kind == 0 ? " " : kind == 1 ? "\n  " : "";
  }

  /** A JSON string, escaping some characters that need not be escaped; surrogates alone always as escapes. */
  private static void string(String text, StringBuilder json, Random random) {
    json.append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean pair = Character.isHighSurrogate(c) && i + 1 < text.length()
          && Character.isLowSurrogate(text.charAt(i + 1));
      if (c == '"' || c == '\\') {
        json.append('\\').append(c);
      } else if (c == '\n' && random.nextBoolean()) {
        json.append("\\n");
      } else if (c < 0x20 || (Character.isSurrogate(c) && !pair) || random.nextInt(40) == 0) {
        json.append(String.format("\\u%04x", (int) c));
      } else if (c == '/' && random.nextBoolean()) {
        json.append("\\/");
      } else if (pair) {
        json.append(c).append(text.charAt(++i));
      } else {
        json.append(c);
      }
    }
    json.append('"');
  }
}
