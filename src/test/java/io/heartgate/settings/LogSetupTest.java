package io.heartgate.settings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** What the log settings write, in the test JVM: the JSON fields, the text form, and which levels pass. */
class LogSetupTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  @AfterEach
  void restore() throws IOException {
    LogSetup.restoreDefaults();
  }

  private void apply(String... flags) {
    LogSetup.apply(SettingsLoader.load(List.of(flags), Map.of()), out);
  }

  private List<String> lines() {
    return out.toString(StandardCharsets.UTF_8).lines().toList();
  }

  @Test
  void jsonIsOneObjectPerLineWithTheExceptionAsOneString() {
    apply("--log-format", "json");
    IllegalStateException failure = new IllegalStateException("outer\nsecond line",
        new IllegalArgumentException("the cause"));
    java.util.logging.Logger.getLogger("io.heartgate.some.Thing").log(Level.SEVERE, "it broke", failure);

    List<String> lines = lines();
    assertEquals(1, lines.size(), lines.toString());
    JsonObject line = new JsonObject(lines.get(0));
    assertEquals("ERROR", line.getString("level"));
    assertEquals("io.heartgate.some.Thing", line.getString("logger"));
    assertEquals("it broke", line.getString("message"));
    assertTrue(line.getString("time").endsWith("Z"), line.encode());
    String exception = line.getString("exception");
    assertTrue(exception.startsWith("java.lang.IllegalStateException: outer\nsecond line"), exception);
    assertTrue(exception.contains("Caused by: java.lang.IllegalArgumentException: the cause"), exception);
  }

  @Test
  void keyValuePairsAreFieldsOfTheirOwn() {
    apply("--log-format", "json", "--access-log", "true");
    LoggerFactory.getLogger(LogSetup.ACCESS_LOGGER).atInfo().addKeyValue("route", "/api/agents/:id")
        .addKeyValue("status", 404).addKeyValue("durationMs", 1.5).log("GET /api/agents/:id 404");

    JsonObject line = new JsonObject(lines().get(0));
    assertEquals("/api/agents/:id", line.getString("route"));
    assertEquals(404, line.getInteger("status"));
    assertEquals(1.5, line.getDouble("durationMs"));
    assertEquals("GET /api/agents/:id 404", line.getString("message"));
  }

  @Test
  void textIsCloseToWhatItWas() {
    apply();
    java.util.logging.Logger.getLogger("io.heartgate.Main").info("Heartgate listening");

    List<String> lines = lines();
    assertEquals(1, lines.size(), lines.toString());
    assertTrue(lines.get(0).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO io\\.heartgate\\.Main "
        + "- Heartgate listening"), lines.get(0));
  }

  @Test
  void warnDropsInfo() {
    apply("--log-level", "warn");
    java.util.logging.Logger own = java.util.logging.Logger.getLogger("io.heartgate.some.Thing");
    own.info("dropped");
    own.warning("kept");
    LoggerFactory.getLogger("io.vertx.core.Something").info("dropped too");

    List<String> lines = lines();
    assertEquals(1, lines.size(), lines.toString());
    assertTrue(lines.get(0).contains(" WARN io.heartgate.some.Thing - kept"), lines.get(0));
  }

  @Test
  void debugIsForHeartgateOnlyAndTheAccessLogFollowsItsOwnSwitch() {
    apply("--log-level", "debug");
    java.util.logging.Logger.getLogger("io.heartgate.some.Thing").fine("own debug");
    LoggerFactory.getLogger("io.netty.Something").debug("library debug");
    LoggerFactory.getLogger(LogSetup.ACCESS_LOGGER).info("no access log when it is off");

    List<String> lines = lines();
    assertEquals(1, lines.size(), lines.toString());
    assertTrue(lines.get(0).contains(" DEBUG io.heartgate.some.Thing - own debug"), lines.get(0));
  }

  @Test
  void vertxLogsToTheSamePlace() {
    apply("--log-format", "json");
    io.vertx.core.internal.logging.LoggerFactory.getLogger("io.vertx.core.net.impl.Something").error("from Vert.x");

    JsonObject line = new JsonObject(lines().get(0));
    assertEquals("ERROR", line.getString("level"));
    assertEquals("from Vert.x", line.getString("message"));
  }

  @Test
  void aBadValueNamesTheSettingAndTheForms() {
    InvalidSettingException refused = org.junit.jupiter.api.Assertions.assertThrows(InvalidSettingException.class,
        () -> SettingsLoader.load(List.of("--log-level", "trace"), Map.of("LOG_FORMAT", "json")));
    assertEquals("invalid --log-level=trace: unknown level; expected error, warn, info or debug", refused.getMessage());
    Settings settings = SettingsLoader.load(List.of(), Map.of("LOG_FORMAT", "JSON", "ACCESS_LOG", "true"));
    assertEquals(LogFormat.JSON, settings.logFormat());
    assertEquals("json", settings.masked().get("logFormat").toString());
    assertEquals(true, settings.masked().get("accessLog"));
    assertEquals(LogLevel.INFO, settings.logLevel());
  }
}
