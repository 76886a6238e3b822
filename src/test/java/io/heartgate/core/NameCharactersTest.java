package io.heartgate.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.heartgate.testsupport.Credentials;
import io.heartgate.testsupport.Reply;
import io.heartgate.testsupport.StoreKind;
import io.heartgate.testsupport.Team;
import io.heartgate.testsupport.TestGateway;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Names hold no control characters and no bidirectional or invisible formatting. Today (two helpers' probes): a
 * label was named {@code "ctl\u001b[31m\nline2\r\u0007\u202e"}, and a token {@code "prod-agent\u202etxt.exe"},
 * shown as "prod-agentexe.txt"; a name with a zero-width space looked like another one; the command line printed a
 * token name's escape sequences to the terminal.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NameCharactersTest {
  private static final List<String> CREATIONS = List.of("/api/labels", "/api/configs", "/api/config-groups",
      "/api/tokens", "/api/reporting-rules");

  @TempDir
  static Path tempDir;
  private TestGateway gateway;
  private Credentials owner;

  @BeforeAll
  void start() throws Exception {
    gateway = TestGateway.start(StoreKind.SQLITE.freshStore(tempDir));
    owner = Team.create(gateway).session("owner");
  }

  @AfterAll
  void stop() {
    gateway.close();
  }

  private static JsonObject body(String path, String name) {
    JsonObject body = new JsonObject().put("name", name);
    return switch (path) {
      case "/api/configs" -> body.put("toml", "[agent]\n");
      case "/api/reporting-rules" -> body.put("notReportingAfterSeconds", 300);
      default -> body;
    };
  }

  @ParameterizedTest
  @ValueSource(strings = {"red\u001b[31m", "two\nlines", "bell\u0007", "del\u007f", "c1\u0085",
      "prod-agent\u202etxt.exe", "isolate\u2066x\u2069", "mark\u200f", "prod\u200b", "bom\ufeff",
      // Today (a third probe): still accepted.
      "line\u2028sep", "para\u2029sep", "word\u2060joiner", "soft\u00adhyphen", "cgj\u034f", "mongolian\u180e",
      "invisible\u2064plus", "anchor\ufff9", "filler\u3164", "filler\u115f", "tag\udb40\udc41",
      // Today (the open list of earlier stops): variation selectors that select nothing, Khmer's inherent vowels.
      "web\ufe0f", "web\ufe0fserver", "\ufe0fweb", "web\udb40\udd00", "mongolian\u180b", "khmer\u17b4",
      "khmer\u17b5x", "keycap 1\ufe0f", "caf\u00e9\ufe0f", "love \u2764\ufe0f\ufe0f", "web\u200d\ufe0f",
      "keycap 1\ufe00\u20e3", "acute \u00e9\udb40\udd00", "mark e\u0301\ufe0f",
      // Today (a helper's probe): zero-width joiners that join nothing.
      "we\u200db", "web\u200d", "\u200dweb", "we\u200cb", "Web\u200d\u200dServer", "caf\u00e9\u200d\u00e9"})
  void aNameWithControlOrFormattingCharactersIsRefused(String name) {
    for (String path : CREATIONS) {
      Reply refused = gateway.call("POST", path, owner, body(path, name));
      assertEquals(400, refused.status(), path + ": " + refused);
      assertEquals("name", refused.json().getJsonObject("details").getString("field"), path);
      assertEquals("name must not contain control characters or invisible formatting (such as U+202E)",
          refused.json().getString("message"), path);
    }
  }

  /**
   * Today (a fourth probe): "c3", "c3 ", " c3" and "c3" with a no-break space were four configs shown alike; and so
   * for labels, groups, tokens and rules. What an agent reports is taken as it comes. A fifth: a name of one
   * Braille blank (U+2800, a symbol that shows as a space) was accepted.
   */
  @ParameterizedTest
  @ValueSource(strings = {"trailing ", " leading", "nbsp\u00a0", "\u00a0nbsp", "ideographic\u3000", "\u2800",
      "braille blank\u2800"})
  void aChosenNameThatBeginsOrEndsWithASpaceIsRefused(String name) {
    for (String path : CREATIONS) {
      Reply refused = gateway.call("POST", path, owner, body(path, name));
      assertEquals(400, refused.status(), path + ": " + refused);
      assertEquals("name must not begin or end with a space", refused.json().getString("message"), path);
    }
    Reply renamed = gateway.call("PATCH", "/api/labels/" + gateway.call("POST", "/api/labels", owner,
        body("/api/labels", "plain " + name.length())).json().getString("id"), owner, new JsonObject()
        .put("name", name));
    assertEquals(400, renamed.status(), "a rename too: " + renamed);
  }

  /**
   * Today (a helper's probe): "web server" with a no-break, thin, ideographic or doubled space was another name that
   * looked the same (HTML shows two spaces as one).
   */
  @ParameterizedTest
  @ValueSource(strings = {"web\u00a0server", "web\u2009server", "web\u3000server", "web  server", "a b  c"})
  void aChosenNameSeparatesWordsWithSingleOrdinarySpaces(String name) {
    for (String path : CREATIONS) {
      Reply refused = gateway.call("POST", path, owner, body(path, name));
      assertEquals(400, refused.status(), path + ": " + refused);
      assertEquals("name must separate words with single ordinary spaces (U+0020)",
          refused.json().getString("message"), path);
    }
  }

  /** Today (the same probe): "café" with a combining accent and "café" composed were two names that looked alike. */
  @Test
  void aChosenNameIsKeptComposedSoThatItsLookAlikeIsTheSameName() {
    for (String path : CREATIONS) {
      Reply decomposed = gateway.call("POST", path, owner, body(path, "cafe\u0301 " + path.length()));
      assertEquals(201, decomposed.status(), path + ": " + decomposed);
      assertEquals("caf\u00e9 " + path.length(), decomposed.json().getString("name"), path);
      Reply composed = gateway.call("POST", path, owner, body(path, "caf\u00e9 " + path.length()));
      assertEquals(409, composed.status(), path + ": " + composed);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"Zürich ✓", "日本語", "שלום", "👩‍💻 dev", "love \u2764\ufe0f", "keycap 1\ufe0f\u20e3",
      "ideograph \u845b\udb40\udd00", "info \u2139\ufe0f", "flag \ud83c\udff3\ufe0f\u200d\ud83c\udf08",
      "keycap #\ufe0f\u20e3", "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645", "\u0915\u094d\u200d\u0937"})
  void aNameInAnyScriptIsAccepted(String name) {
    for (String path : CREATIONS) {
      Reply created = gateway.call("POST", path, owner, body(path, name + " " + path.length()));
      assertEquals(201, created.status(), path + ": " + created);
    }
  }

  // Today (a third probe): the audit log kept a User-Agent's C1 controls (CSI, NEL) and U+202E as sent.
  // Today (a helper's probe): lengths were counted in UTF-16 units, so 128 emoji were "more than 255 characters".
  @Test
  void aLengthIsCountedInCharactersNotUtf16Units() {
    String emoji = "\ud83d\ude00";
    Reply longest = gateway.call("POST", "/api/tokens", owner, new JsonObject().put("name", emoji.repeat(255)));
    assertEquals(201, longest.status(), longest.toString());
    Reply longer = gateway.call("POST", "/api/tokens", owner, new JsonObject().put("name", "x" + emoji.repeat(255)));
    assertEquals(400, longer.status(), longer.toString());
    assertEquals("name must be at most 255 characters", longer.json().getString("message"));
  }

  @Test
  void whatIsRecordedAsSentShowsHiddenCharactersAsQuestionMarks() {
    assertEquals("evil?2J?RLO?x", Check.printable("evil\u009b2J\u202eRLO\u0085x"));
    assertEquals("Telegraf/1.39.3 Go/1.25 ✓ Zürich", Check.printable("Telegraf/1.39.3 Go/1.25 ✓ Zürich"));
    assertEquals("web? \u2764\ufe0f", Check.printable("web\ufe0f \u2764\ufe0f"));
  }
}
