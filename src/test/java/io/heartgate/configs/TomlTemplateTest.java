package io.heartgate.configs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import io.heartgate.core.Invalid;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Parameter filling and escaping, checked by parsing what an agent would get. */
class TomlTemplateTest {
  private static final TomlMapper TOML = new TomlMapper();
  /** Values an agent could put in its query string to break out of a string or add keys. */
  private static final List<String> HOSTILE = List.of(
      "plain",
      "",
      "quote \" inside",
      "back\\slash and \\\" escaped quote",
      "ends with backslash \\",
      "line\nbreak = 1\n[evil]\ninjected = true",
      "carriage\r\nreturn",
      "\"\nx = 1\n",
      "\"\"\" triple quotes \"\"\"",
      "tab\there, bell \u0007, delete \u007f, nul \u0000",
      "unicode é 😀 \u2028",
      "#not a comment",
      "${NOT_EXPANDED} &{not_a_param} @{store:key}");

  private static JsonNode parse(String toml) {
    try {
      return TOML.readTree(toml);
    } catch (Exception e) {
      throw new AssertionError("served TOML does not parse: " + e.getMessage() + "\n" + toml, e);
    }
  }

  private static String render(String toml, Map<String, String> values) {
    return TomlTemplate.of(toml).render(values::get, name -> null);
  }

  private static Invalid refused(String toml, Map<String, String> values) {
    return assertThrows(Invalid.class, () -> render(toml, values));
  }

  @Test
  void basicStringValuesComeBackExactlyAndAddNoKeys() {
    for (String value : HOSTILE) {
      for (String toml : List.of("[[outputs.heartbeat]]\n  instance_id = \"&{v}\"\n  url = \"http://gw\"\n",
          "[[outputs.heartbeat]]\n  instance_id = \"\"\"&{v}\"\"\"\n  url = \"http://gw\"\n")) {
        JsonNode parsed = parse(render(toml, Map.of("v", value)));
        JsonNode block = parsed.get("outputs").get("heartbeat").get(0);
        assertEquals(value, block.get("instance_id").asText(), "value " + value);
        assertEquals(List.of("instance_id", "url"), fieldNames(block), "no injected keys for " + value);
        assertEquals(List.of("outputs"), fieldNames(parsed), "no injected tables for " + value);
      }
    }
  }

  @Test
  void basicStringEscapes() {
    assertEquals("a\\\"b\\\\c\\nd\\te\\rf\\u0000g\\u007F",
        TomlTemplate.basicStringEscaped("a\"b\\c\nd\te\rf\0g\u007f"));
    assertEquals("x = \"say \\\"hi\\\" \\\\o/\"", render("x = \"say \\\"&{v}\\\" \\\\o/\"", Map.of("v", "hi")),
        "escaped quotes before and after the parameter keep it inside the string");
    assertEquals("\"k\\\"ey\" = 1", render("\"&{k}\" = 1", Map.of("k", "k\"ey")), "a quoted key is a basic string");
  }

  @Test
  void literalStringsTakeOnlyWhatTheyCanHold() {
    assertEquals("path = 'C:\\temp\\x'", render("path = '&{p}'", Map.of("p", "C:\\temp\\x")),
        "backslashes are plain characters in a literal string");
    Invalid quote = refused("path = '&{p}'", Map.of("p", "it's"));
    assertEquals("invalid_request", quote.code());
    assertEquals("p", quote.details().get("field"));
    assertTrue(quote.getMessage().contains("literal"), quote.getMessage());
    assertEquals("p", refused("path = '&{p}'", Map.of("p", "a\nb = 1")).details().get("field"));
    String multi = render("text = '''\n&{p}'''\n", Map.of("p", "two\nlines"));
    assertEquals("two\nlines", parse(multi).get("text").asText());
    assertEquals("p", refused("text = '''&{p}'''", Map.of("p", "'''\nevil = 1\n#")).details().get("field"));
  }

  @Test
  void bareValuesAreNumbersBooleansDatesAndWords() {
    String toml = "[[inputs.http_listener_v2]]\n  port = &{port}\n  enabled = &{on}\n  since = &{since}\n"
        + "[inputs.&{section}]\n  x = 1\n";
    JsonNode parsed = parse(render(toml, Map.of("port", "8080", "on", "true", "since", "1979-05-27T07:32:00Z",
        "section", "cpu_2")));
    assertEquals(8080, parsed.get("inputs").get("http_listener_v2").get(0).get("port").asInt());
    assertTrue(parsed.get("inputs").has("cpu_2"));
    for (String hostile : List.of("1\n[evil]", "\"s\"", "1 # c", "[1]", "", "a=b", "x, y", "{a = 1}")) {
      Invalid refused = refused("port = &{port}", Map.of("port", hostile));
      assertEquals("invalid_request", refused.code());
      assertEquals("port", refused.details().get("field"), hostile);
    }
  }

  @Test
  void defaultsRepeatedNamesAndMissingOnes() {
    String toml = "a = \"&{one}\"\nb = \"&{two:fallback}\"\nc = \"&{three:}\"\nd = \"&{one}\"\n";
    JsonNode defaults = parse(render(toml, Map.of("one", "1")));
    assertEquals("1", defaults.get("a").asText());
    assertEquals("fallback", defaults.get("b").asText());
    assertEquals("", defaults.get("c").asText(), "an empty default is a default");
    assertEquals("1", defaults.get("d").asText());
    assertEquals("given", parse(render(toml, Map.of("one", "1", "two", "given"))).get("b").asText());

    Invalid missing = refused("a = \"&{zeta}\"\nb = \"&{alpha}\"\nc = \"&{zeta}\"\nd = &{beta:2}\n", Map.of());
    assertEquals("invalid_request", missing.code());
    assertEquals(List.of("zeta", "alpha"), missing.details().get("missing"), "every missing name once, in order");
    assertTrue(missing.getMessage().startsWith("Missing config parameters: zeta, alpha"), missing.getMessage());

    Invalid mixed = refused("a = \"&{x:d}\"\nb = \"&{x}\"\n", Map.of());
    assertEquals(List.of("x"), mixed.details().get("missing"), "required where one use has no default");
  }

  @Test
  void telegrafPlaceholdersAndCommentsAreLeftAlone() {
    String toml = "# instance_id = \"&{commented_out}\" is not required\n"
        + "[[outputs.heartbeat]]\n  url = \"@{vault:url}\"\n  token = \"${TELEGRAF_CONTROLLER_TOKEN}\"\n"
        + "  instance_id = \"${HOSTNAME:-&{agent_id}}\" # &{nor_this}\n  interval = ${INTERVAL}\n"
        + "  weird = \"&{1bad} &{} &{a-b}\"\n";
    String rendered = render(toml, Map.of("agent_id", "a1"));
    assertEquals(toml.replace("&{agent_id}", "a1"), rendered);
    assertEquals(List.of("agent_id"), List.copyOf(TomlTemplate.of(toml).parameterNames()));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "[agent]\n  interval = ${INTERVAL}\n  flush_interval = $FLUSH\n",
      "[[inputs.http_listener_v2]]\n  service_address = \":&{port}\"\n  port = &{port}\n  read_timeout = &{t:10}\n",
      "[[outputs.heartbeat]]\n  instance_id = '&{agent_id}'\n  url = '''&{url}'''\n",
      "[inputs.&{name}]\n  x = 1\n",
      "\uFEFF[agent]\n  hostname = \"\"\n"})
  void validationAcceptsWhatTelegrafAccepts(String toml) {
    TomlValidator.requireValid("toml", TomlTemplate.of(toml), name -> null);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      // The scan would think q stands in "…" (escaping only " and \\) while TOML puts it in '…'.
      "t = { a = \"&{p:\", b = '}&{q}', c = \"x\" }\n",
      "a = \"&{p:x\\}\"\nb = \"&{q}\"\n",
      "a = '&{p:it's}'\n",
      "a = &{p:\"open}\nb = \"&{q}\"\n",
      "a = &{p:1 #}\n"})
  void defaultsThatMoveTheQuotingAroundThemAreRefused(String toml) {
    Invalid error = assertThrows(Invalid.class, () -> TomlValidator.requireValid("toml", TomlTemplate.of(toml),
        name -> null));
    assertEquals("toml", error.details().get("field"));
    assertTrue(error.getMessage().startsWith("The default of parameter p "), error.getMessage());
  }

  @Test
  void defaultsThatAreWholeValuesOrPlainTextAreFine() {
    String toml = "interval = &{interval:\"10s\"}\ntags = &{tags:[\"a\", 'b', \"\"\"c\"\"\"]}\n"
        + "url = \"&{url:http://gw:8000/agents/heartbeat?x=\\\"y\\\"}\"\nname = '&{name:web \"01\"}'\n";
    TomlValidator.requireValid("toml", TomlTemplate.of(toml), name -> null);
    JsonNode parsed = parse(render(toml, Map.of()));
    assertEquals("10s", parsed.get("interval").asText());
    assertEquals("web \"01\"", parsed.get("name").asText());
    assertEquals(List.of("interval", "tags", "url", "name"), fieldNames(parsed));
  }

  @Test
  void validationReportsLineAndColumnOfTheStoredText() {
    Invalid error = assertThrows(Invalid.class, () -> TomlValidator.requireValid("toml",
        TomlTemplate.of("[agent]\n  hostname = \"&{agent_id}\" oops\n"), name -> null));
    assertEquals("invalid_request", error.code());
    assertEquals("toml", error.details().get("field"));
    assertEquals(2, error.details().get("line"));
    assertEquals(28, error.details().get("column"), "where \"oops\" starts in the text as written");
    assertTrue(error.getMessage().startsWith("toml is not valid TOML at line 2, column 28: "), error.getMessage());
    assertFalse(error.getMessage().contains("Exception"), error.getMessage());
  }

  /** Dates and times that are none passed as text (a helper's probe); Telegraf's parser refuses them. */
  @Test
  void aDateOrTimeThatIsNoneIsRefusedWhereItStands() {
    for (String[] bad : new String[][] {{"a = 2026-02-30\n", "1", "5"},
        {"x = \"2026-02-30\"\n[t]\n  b = 25:61:00\n", "3", "7"},
        {"c = [1979-05-27T07:32:00Z, 2026-13-01T00:00:00Z]\n", "1", "28"}}) {
      Invalid refused = assertThrows(Invalid.class, () -> TomlValidator.requireValid("toml", TomlTemplate.of(bad[0]),
          name -> null), bad[0]);
      assertEquals(Integer.valueOf(bad[1]), refused.details().get("line"), refused.getMessage());
      assertEquals(Integer.valueOf(bad[2]), refused.details().get("column"), refused.getMessage());
      assertTrue(refused.getMessage().contains("not a date or time"), refused.getMessage());
    }
    TomlValidator.requireValid("toml", TomlTemplate.of("a = 2024-02-29\nb = 23:59:59.999\n"
        + "c = 1979-05-27T07:32:00-08:00\nd = 1979-05-27 07:32:00\ne = 2026-12-31T23:59:59Z\n"
        // Forms TOML allows and Java does not read: more than nine digits of a second, an offset beyond 18 hours.
        + "f = 1979-05-27T07:32:00.999999999999Z\ng = 1979-05-27T07:32:00+23:59\n"), name -> null);
  }

  /**
   * A form Java does not read once had the whole document read without dates, so a date that is none anywhere else
   * in it passed; and a date in an array written over several lines was refused without its place.
   */
  @Test
  void aDateThatIsNoneIsRefusedBesideFormsJavaDoesNotRead() {
    for (String[] bad : new String[][] {
        {"f = 1979-05-27T07:32:00.1234567890Z\nbad = 2026-02-30\n", "2", "7"},
        {"g = 1979-05-27T07:32:00+23:59\n[t]\nbad = 2026-04-31T00:00:00Z\n", "3", "7"},
        {"h = 1979-05-27T07:32:00-05:59\nbad = 2026-02-29\n", "2", "7"},
        {"bad = 2026-02-30T01:02:03.1234567890Z\n", "1", "7"},
        {"c = [\n  1979-05-27,\n  2026-02-30,\n]\n", "3", "3"},
        {"d = [ # dates, [b] and 2026-02-30\n  2026-02-30, # the last\n]\n", "2", "3"},
        {"e = [ # 2026-02-30\n  1, 2026-02-30 ]\n", "2", "6"}}) {
      Invalid refused = assertThrows(Invalid.class, () -> TomlValidator.requireValid("toml", TomlTemplate.of(bad[0]),
          name -> null), bad[0]);
      assertTrue(refused.getMessage().contains("not a date or time"), refused.getMessage());
      assertEquals(Integer.valueOf(bad[1]), refused.details().get("line"), refused.getMessage());
      assertEquals(Integer.valueOf(bad[2]), refused.details().get("column"), refused.getMessage());
    }
    TomlValidator.requireValid("toml", TomlTemplate.of("f = 1979-05-27T07:32:00.1234567890Z\n"
        + "s = \"2026-02-30T00:00:00.1234567890Z is text\"\ng = 1979-05-27T07:32:00-23:59\nok = 2024-02-29\n"
        // Two keys that differ only where a time's extra digits are dropped for Java.
        + "\"k 00:00:00.1234567890\" = 1\n\"k 00:00:00.123456789\" = 2\n"), name -> null);
    Invalid syntax = assertThrows(Invalid.class, () -> TomlValidator.requireValid("toml",
        TomlTemplate.of("t = [1979-05-27T07:32:00.1234567890+23:59, oops]\n"), name -> null));
    assertEquals(44, syntax.details().get("column"), "where oops stands as written: " + syntax.getMessage());
  }

  /**
   * A value with more than nine digits of a second is read with the extra ones dropped: refused, it was quoted without
   * them, and a later value on its line was placed as many columns too far left.
   */
  @Test
  void aValueRefusedBesideDroppedDigitsIsQuotedAndPlacedAsWritten() {
    String written = "2026-02-30 01:02:03.1234567890123Z";
    Invalid refused = assertThrows(Invalid.class, () -> TomlValidator.requireValid("toml", TomlTemplate.of(
        "ok = 1\nf = [1979-05-27T07:32:00.1234567890123Z, " + written + "] # 07:00:00.12345678901\n"),
        name -> null));
    assertEquals(2, refused.details().get("line"), refused.getMessage());
    assertEquals(42, refused.details().get("column"), refused.getMessage());
    assertTrue(refused.getMessage().contains("not a date or time: " + written + " ("), refused.getMessage());
  }

  /**
   * A Unicode escape that names a surrogate (alone, or two making a pair) passed and was served; TOML forbids it and
   * Telegraf's parser refuses it (a helper's probe). Such text in a literal string or a comment is no escape.
   */
  @Test
  void anEscapeThatNamesNoCharacterIsRefusedWhereItStands() {
    for (String[] bad : new String[][] {
        {"[agent]\n  hostname = \"\\uD800\"\n", "2", "15", "\\uD800"},
        {"a = 'x'\nb = \"\"\"ok \\\" \\uD83D\\uDE00\"\"\"\n", "2", "14", "\\uD83D"},
        {"\"k\\U0000dfff\" = 1\n", "1", "3", "\\U0000dfff"},
        {"[\"t\\uDC00\"]\n", "1", "4", "\\uDC00"}}) {
      Invalid refused = assertThrows(Invalid.class, () -> TomlValidator.requireValid("toml", TomlTemplate.of(bad[0]),
          name -> null), bad[0]);
      assertEquals(Integer.valueOf(bad[1]), refused.details().get("line"), refused.getMessage());
      assertEquals(Integer.valueOf(bad[2]), refused.details().get("column"), refused.getMessage());
      assertTrue(refused.getMessage().contains(": " + bad[3] + " names no Unicode character"), refused.getMessage());
    }
    TomlValidator.requireValid("toml", TomlTemplate.of("a = '\\uD800'\nb = '''\\uDFFF''''\n# \"\\uD800\"\n"
        + "c = \"\\U0001F600 \\uFFFF \\\\uD800\"\nd = \"\"\"x\"\"\"\"\ne = '\"\\uD800'\n"), name -> null);
    Invalid beyond = assertThrows(Invalid.class, () -> TomlValidator.requireValid("toml",
        TomlTemplate.of("[\"t\\U00110000\"]\n"), name -> null), "beyond 10FFFF: the parser refuses it");
    assertEquals(4, beyond.details().get("column"), beyond.getMessage());
    Invalid constant = assertThrows(Invalid.class, () -> TomlValidator.requireValid("value",
        TomlTemplate.of("a = \"::{C}\"\n"), Map.of("C", "\\uDBFF")::get));
    assertTrue(constant.getMessage().contains("\\uDBFF names no Unicode character"), constant.getMessage());
  }

  /**
   * The parser takes any two digits for an offset's hours and minutes: "+99:99" passed and was served, and TOML (RFC
   * 3339) allows hours 00 to 23 and minutes 00 to 59. Such text in a string is no offset.
   */
  @Test
  void anOffsetBeyondTomlsIsRefusedWhereItStands() {
    for (String[] bad : new String[][] {
        {"a = 1979-05-27T07:32:00+24:00\n", "1", "5"},
        {"ok = 1979-05-27T07:32:00Z\nb = 1979-05-27T07:32:00.5-05:60\n", "2", "5"},
        {"[t]\nc = [1979-05-27T07:32:00+23:59, 1979-05-27 07:32:00+99:99]\n", "2", "33"}}) {
      Invalid refused = assertThrows(Invalid.class, () -> TomlValidator.requireValid("toml", TomlTemplate.of(bad[0]),
          name -> null), bad[0]);
      assertTrue(refused.getMessage().contains("an offset's hours run from 00 to 23 and its minutes from 00 to 59"),
          refused.getMessage());
      assertEquals(Integer.valueOf(bad[1]), refused.details().get("line"), refused.getMessage());
      assertEquals(Integer.valueOf(bad[2]), refused.details().get("column"), refused.getMessage());
    }
    TomlValidator.requireValid("toml", TomlTemplate.of("s = \"07:32:00+99:99 is text\"\n"
        + "d = 1979-05-27T07:32:00-23:59\n"), name -> null);
  }

  @Test
  void constantsAreFilledAsWrittenOneScanWithParameters() {
    String toml = "# ::{commented} and &{commented_param}\n[[outputs.influxdb_v2]]\n  urls = [\"::{host}/&{path}\"]\n"
        + "  port = ::{port}\n  org = '::{org}'\n  tags = ::{tags}\n";
    TomlTemplate template = TomlTemplate.of(toml);
    assertEquals(java.util.Set.of("host", "port", "org", "tags"), template.constantNames(), "not the commented one");
    Map<String, String> constants = Map.of("host", "https://db:8086", "port", "8086", "org", "C:\\ops",
        "tags", "['a', 'b']");
    String served = template.render(Map.of("path", "::{host} &{path}")::get, constants::get);
    JsonNode block = parse(served).get("outputs").get("influxdb_v2").get(0);
    assertEquals("https://db:8086/::{host} &{path}", block.get("urls").get(0).asText(),
        "a query value is never scanned again: ::{x} in it stays text");
    assertEquals(8086, block.get("port").asInt());
    assertEquals("C:\\ops", block.get("org").asText(), "inserted as written in a literal string");
    assertEquals(2, block.get("tags").size(), "a bare constant is TOML text");
    assertTrue(served.startsWith("# ::{commented} and &{commented_param}\n"), "comments are left alone");

    String unscanned = TomlTemplate.of("a = \"::{c}\"\n").render(name -> null, Map.of("c", "&{p} ::{c}")::get);
    assertEquals("&{p} ::{c}", parse(unscanned).get("a").asText(), "a constant's value is not scanned either");
  }

  // Today: a value copied into every use of its parameter or constant made a 1 MiB config a document of gigabytes,
  // and one download with an agent's token, or one constant saved, ran the node out of memory (a helper's probe).
  @Test
  void aDocumentFilledInBeyondTheSizeOfAConfigIsRefused() {
    TomlTemplate parameters = TomlTemplate.of("x = \"" + "&{a}".repeat(200_000) + "\"\n");
    Invalid query = assertThrows(Invalid.class, () -> parameters.render(Map.of("a", "b".repeat(1_000))::get,
        name -> null));
    assertEquals("query", query.details().get("field"));
    assertTrue(query.getMessage().contains("larger than " + TomlSize.MAX_BYTES + " bytes"), query.getMessage());
    assertEquals(200_007, parameters.render(Map.of("a", "b")::get, name -> null).length(),
        "as large as the config itself is served");

    TomlTemplate constants = TomlTemplate.of("x = \"" + "::{Q}".repeat(200_000) + "\"\n");
    Invalid value = assertThrows(Invalid.class, () -> TomlValidator.requireValid("value", constants,
        Map.of("Q", "v".repeat(2_000))::get));
    assertEquals("value", value.details().get("field"));
    assertTrue(value.getMessage().contains("larger than " + TomlSize.MAX_BYTES + " bytes"), value.getMessage());
    Invalid served = assertThrows(Invalid.class, () -> constants.render(name -> null,
        Map.of("Q", "v".repeat(2_000))::get));
    assertEquals("constants", served.details().get("field"));
  }

  // Today: "…exceeds the maximum allowed (1000, from `StreamReadConstraints.getMaxNestingDepth()`)" (a helper's
  // probe): the parser's own method named to the client.
  @Test
  void tomlNestedTooDeepIsToldSoInTheGatewaysWords() {
    Invalid deep = assertThrows(Invalid.class, () -> TomlValidator.requireValid("toml",
        TomlTemplate.of("a = " + "[".repeat(2_000) + "]".repeat(2_000) + "\n"), name -> null));
    assertEquals("toml is not valid TOML: it nests arrays or tables deeper than 1000 levels", deep.getMessage());
  }

  // Today (a helper's probe): dotted keys and table headers 400,000 levels deep passed, since the parser counts only
  // arrays and inline tables, and so did an integer beyond 64 bits; Telegraf loads neither.
  @Test
  void dottedKeysAndHeadersDeeperThanTheLimitAndIntegersBeyond64BitsAreRefused() {
    for (String deep : new String[] {"a" + ".a".repeat(1_000) + " = 1\n", "[a" + ".a".repeat(1_000) + "]\nb = 1\n",
        "[[a" + ".a".repeat(1_000) + "]]\nb = 1\n"}) {
      Invalid refused = assertThrows(Invalid.class, () -> TomlValidator.requireValid("toml", TomlTemplate.of(deep),
          name -> null));
      assertEquals("toml is not valid TOML: it nests arrays or tables deeper than 1000 levels", refused.getMessage());
    }
    TomlValidator.requireValid("toml", TomlTemplate.of("a" + ".a".repeat(900) + " = 1\n"), name -> null);
    for (String big : new String[] {"a = 9223372036854775808\n", "a = -9223372036854775809\n",
        "a = 99999999999999999999999\n", "a = 0xffffffffffffffffff\n", "[t]\nb = [1, 99999999999999999999]\n"}) {
      Invalid refused = assertThrows(Invalid.class, () -> TomlValidator.requireValid("toml", TomlTemplate.of(big),
          name -> null), big);
      assertTrue(refused.getMessage().startsWith("toml is not valid TOML: an integer beyond 64 bits"),
          refused.getMessage());
    }
    TomlValidator.requireValid("toml", TomlTemplate.of("a = 9223372036854775807\nb = -9223372036854775808\n"
        + "c = 0x7fffffffffffffff\nd = 0x0fffffffffffffff\n"), name -> null);
  }

  @Test
  void undefinedConstantsAreListedBeforeMissingParameters() {
    Invalid undefined = assertThrows(Invalid.class, () -> TomlTemplate.of(
        "a = \"::{zulu}\"\nb = ::{alpha}\nc = \"::{zulu}\"\nd = \"::{defined}\"\ne = \"&{missing}\"\n")
        .render(name -> null, Map.of("defined", "x")::get));
    assertEquals("constants", undefined.details().get("field"));
    assertEquals(List.of("zulu", "alpha"), undefined.details().get("missing"), "every undefined name once, in order");
    assertTrue(undefined.getMessage().startsWith("Undefined constants: zulu, alpha"), undefined.getMessage());
  }

  @Test
  void constantValuesAreCheckedWhereTheyStand() {
    String toml = "a = \"::{s}\"\nb = '::{l}'\nc = ::{bare}\n";
    TomlTemplate template = TomlTemplate.of(toml);
    TomlValidator.requireValid("toml", template, name -> null);
    TomlValidator.requireValid("toml", template, Map.of("s", "x y", "l", "C:\\x", "bare", "'quoted'")::get);
    for (Map<String, String> breaking : List.of(Map.of("s", "ends in \\"), Map.of("l", "it's"),
        Map.of("bare", "1 # comment"), Map.of("bare", "'open"))) {
      Invalid refused = assertThrows(Invalid.class, () -> TomlValidator.requireValid("toml", template, breaking::get));
      assertEquals("toml", refused.details().get("field"));
      assertTrue(refused.getMessage().startsWith("The value of constant "), refused.getMessage());
    }
    Invalid notToml = assertThrows(Invalid.class, () -> TomlValidator.requireValid("toml", template,
        Map.of("bare", "not a value")::get));
    assertTrue(notToml.getMessage().startsWith("toml is not valid TOML"), notToml.getMessage());
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new java.util.ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
