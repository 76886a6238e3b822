package io.heartgate.settings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SettingsLoaderTest {
  @TempDir
  Path dir;

  @Test
  void defaultsComeFromTheBundledFile() {
    Settings settings = SettingsLoader.load(List.of(), Map.of());
    assertEquals("0.0.0.0", settings.host());
    assertEquals(8888, settings.apiPort());
    assertEquals(8000, settings.heartbeatPort());
    assertEquals(new DatabaseUrl.Sqlite(Path.of("data/heartgate.db")), settings.database());
    assertTrue(settings.disabledAuthGroups().isEmpty());
    assertEquals("", settings.ownerToken());
    assertEquals(50_000, settings.heartbeatQueueSize());
    assertEquals(Duration.ofMillis(5), settings.heartbeatCommitWindow());
    assertEquals(Duration.ZERO, SettingsLoader.load(List.of("--heartbeat-commit-window", "0"), Map.of())
        .heartbeatCommitWindow());
  }

  @Test
  void flagBeatsEnvironmentBeatsFile() throws IOException {
    Path file = Files.writeString(dir.resolve("h.json"), "{\"port\": 7001, \"heartbeatPort\": 7101, \"host\": \"127.0.0.1\"}");
    Settings settings = SettingsLoader.load(List.of("--config", file.toString(), "--port", "7003"),
        Map.of("APP_PORT", "7002", "HEARTBEAT_PORT", "7102"));
    assertEquals(7003, settings.apiPort(), "flag wins over env and file");
    assertEquals(7102, settings.heartbeatPort(), "env wins over file");
    assertEquals("127.0.0.1", settings.host(), "file wins over bundled defaults");
  }

  @Test
  void configFileMayComeFromTheEnvironmentAndFlagsMayUseEquals() throws IOException {
    Path file = Files.writeString(dir.resolve("h.json"), "// comments are allowed\n{\"databasePoolSize\": 3}");
    Settings settings = SettingsLoader.load(List.of("--heartbeat-port=9001"), Map.of("HEARTGATE_CONFIG", file.toString()));
    assertEquals(3, settings.databasePoolSize());
    assertEquals(9001, settings.heartbeatPort());
  }

  @Test
  void authGroupsParseAsAListOrStar() {
    assertEquals(EnumSet.of(AuthGroup.AGENTS, AuthGroup.REPORTING_RULES), SettingsLoader.load(
        List.of("--disable-auth-endpoints", "agents, reporting-rules"), Map.of()).disabledAuthGroups());
    assertEquals(EnumSet.allOf(AuthGroup.class),
        SettingsLoader.load(List.of(), Map.of("DISABLED_AUTH_ENDPOINTS", "*")).disabledAuthGroups());
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource(delimiter = '|', value = {
      "APP_PORT|70000|invalid APP_PORT=70000: out of range; expected a port number 1-65535",
      "HEARTBEAT_PORT|http|invalid HEARTBEAT_PORT=http: not an integer; expected a port number 1-65535",
      "DISABLED_AUTH_ENDPOINTS|agents,users|invalid DISABLED_AUTH_ENDPOINTS=agents,users: unknown group users; "
          + "expected a comma list of agents, configs, reporting-rules, heartbeat, labels, metrics, or *",
      "DATABASE_URL|mysql://x/y|invalid DATABASE_URL: unknown scheme; expected sqlite:<path> or "
          + "postgres://user:pass@host:port/db",
      "DATABASE_URL|postgres://u:p@db:99999/hg|invalid DATABASE_URL: port out of range; expected sqlite:<path> or "
          + "postgres://user:pass@host:port/db",
      "DATABASE_URL|postgres://db:port/hg|invalid DATABASE_URL: no host, or a port that is not a number; expected "
          + "sqlite:<path> or postgres://user:pass@host:port/db",
      "DATABASE_URL|postgres://u@db:5432/|invalid DATABASE_URL: no database name; expected sqlite:<path> or "
          + "postgres://user:pass@host:port/db",
      "DATABASE_URL|sqlite:|invalid DATABASE_URL: no file path after sqlite:; expected sqlite:<path> or "
          + "postgres://user:pass@host:port/db",
      "DATABASE_POOL_SIZE|0|invalid DATABASE_POOL_SIZE=0: out of range; expected an integer 1-200",
      "HEARTBEAT_COMMIT_WINDOW_MS|101|invalid HEARTBEAT_COMMIT_WINDOW_MS=101: out of range; expected an integer 0-100",
      "SESSION_SECRET|short|invalid SESSION_SECRET: too short; expected at least 32 characters",
  })
  void badEnvironmentValueNamesTheSettingAndTheAcceptedForm(String env, String value, String message) {
    InvalidSettingException e = assertThrows(InvalidSettingException.class,
        () -> SettingsLoader.load(List.of(), Map.of(env, value)));
    assertEquals(message, e.getMessage());
  }

  @Test
  void badFlagIsNamedAsAFlag() {
    InvalidSettingException e = assertThrows(InvalidSettingException.class,
        () -> SettingsLoader.load(List.of("--port", "70000"), Map.of()));
    assertEquals("invalid --port=70000: out of range; expected a port number 1-65535", e.getMessage());
  }

  @Test
  void secretsAreNeverEchoed() {
    InvalidSettingException e = assertThrows(InvalidSettingException.class,
        () -> SettingsLoader.load(List.of(), Map.of("DATABASE_URL", "postgres://u:hunter2@db:99999/hg")));
    assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
  }

  @Test
  void unreadableConfigFileIsRefused() {
    Path missing = dir.resolve("missing.json");
    InvalidSettingException e = assertThrows(InvalidSettingException.class,
        () -> SettingsLoader.load(List.of("--config", missing.toString()), Map.of()));
    assertEquals("invalid config file " + missing + ": it does not exist; expected a readable JSON object of "
        + "settings (see conf/heartgate.json)", e.getMessage());
  }

  @Test
  void malformedConfigFileIsRefused() throws IOException {
    Path file = Files.writeString(dir.resolve("bad.json"), "{\"port\": ");
    InvalidSettingException e = assertThrows(InvalidSettingException.class,
        () -> SettingsLoader.load(List.of("--config", file.toString()), Map.of()));
    assertTrue(e.getMessage().startsWith("invalid config file " + file + ": it cannot be read as JSON"), e.getMessage());
  }

  @Test
  void unknownKeyInConfigFileIsRefused() throws IOException {
    Path file = Files.writeString(dir.resolve("typo.json"), "{\"prot\": 1}");
    InvalidSettingException e = assertThrows(InvalidSettingException.class,
        () -> SettingsLoader.load(List.of("--config", file.toString()), Map.of()));
    assertTrue(e.getMessage().startsWith("unknown setting prot in " + file), e.getMessage());
  }

  @Test
  void badValueInConfigFileNamesTheKeyAndFile() throws IOException {
    Path file = Files.writeString(dir.resolve("h.json"), "{\"port\": 70000}");
    InvalidSettingException e = assertThrows(InvalidSettingException.class,
        () -> SettingsLoader.load(List.of("--config", file.toString()), Map.of()));
    assertEquals("invalid port in " + file + "=70000: out of range; expected a port number 1-65535", e.getMessage());
  }

  @Test
  void unknownFlagAndMissingFlagValueAreRefused() {
    assertEquals("unknown argument --prot; see --help", assertThrows(InvalidSettingException.class,
        () -> SettingsLoader.load(List.of("--prot", "1"), Map.of())).getMessage());
    assertEquals("flag --port needs a value; see --help", assertThrows(InvalidSettingException.class,
        () -> SettingsLoader.load(List.of("--port"), Map.of())).getMessage());
  }

  @Test
  void helpListsEverySettingWithEnvironmentNameAndDefault() {
    String help = SettingsLoader.help();
    for (Setting setting : Setting.values()) {
      assertTrue(help.contains(setting.flag()), setting.flag());
      assertTrue(help.contains(setting.env()), setting.env());
    }
    assertTrue(help.contains("(default: \"8888\")"), help);
    assertTrue(help.contains("(default: \"sqlite:data/heartgate.db\")"), help);
  }

  @Test
  void maskedSettingsHideSecretsAndPasswords() {
    Settings settings = SettingsLoader.load(List.of(), Map.of(
        "DATABASE_URL", "postgres://hg:hunter2@db.example:5433/heartgate",
        "SESSION_SECRET", "s".repeat(40), "OWNER_TOKEN", "tc-apiv1_" + "a".repeat(64)));
    Map<String, Object> shown = settings.masked();
    assertEquals("postgres://hg:****@db.example:5433/heartgate", shown.get("database"));
    assertEquals("****", shown.get("sessionSecret"));
    assertEquals("****", shown.get("ownerToken"));
    assertEquals("", shown.get("ownerPassword"));
    assertFalse(shown.toString().contains("hunter2"));
  }
}
