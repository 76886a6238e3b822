package io.heartgate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.heartgate.core.BuildInfo;
import io.heartgate.settings.DatabaseUrl;
import io.heartgate.settings.Setting;
import io.heartgate.testsupport.TestGateway;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The command line itself: help of every command, --version beside GET /api/version, and usage errors. */
class CommandLineTest {
  @TempDir
  Path tempDir;

  @ParameterizedTest
  @ValueSource(strings = {"reset-owner-password", "create-token", "create-tokens", "backup", "migrate"})
  void everyAdminCommandHasHelp(String command) {
    CommandRun help = CommandRun.of(command, "--help");
    assertEquals(0, help.exitCode(), help.toString());
    assertTrue(help.out().startsWith("Usage: heartgate " + command + " "), help.out());
    assertTrue(help.out().contains("--database=URL") && help.out().contains("--config=FILE"), help.out());
    assertEquals("", help.err());
  }

  @Test
  void serveIsTheDefaultAndItsHelpIsTheSettingsTableWithTheCommands() {
    for (String[] args : new String[][] {{"--help"}, {"serve", "--help"}, {"--port", "9000", "-h"}}) {
      CommandRun help = CommandRun.of(args);
      assertEquals(0, help.exitCode(), help.toString());
      for (Setting setting : Setting.values()) {
        assertTrue(help.out().contains(setting.flag()) && help.out().contains(setting.env()), setting.flag());
      }
      for (String command : new String[] {"serve", "reset-owner-password", "create-token", "create-tokens", "backup",
          "migrate", "--version"}) {
        assertTrue(help.out().contains("\n  " + command + " "), command + " in\n" + help.out());
      }
    }
  }

  @Test
  void serveTakesTheSettingsFlagsAsTheyWere() {
    CommandRun unknown = CommandRun.of("--port", "9000", "--colour", "blue");
    assertEquals(2, unknown.exitCode(), unknown.toString());
    assertEquals("heartgate: unknown argument --colour; see --help\n", unknown.err());
    CommandRun bad = CommandRun.of("serve", "--owner-password=@short");
    assertEquals(2, bad.exitCode(), bad.toString());
    assertEquals("heartgate: invalid --owner-password: too short; expected a password of at least 8 characters\n",
        bad.err(), "a value starting with @ is a value, not a file of arguments");
  }

  @Test
  void versionIsWhatTheApiSays() throws Exception {
    CommandRun version = CommandRun.of("--version");
    assertEquals(0, version.exitCode(), version.toString());
    BuildInfo build = BuildInfo.current();
    assertTrue(build.version().matches("[0-9]+\\.[0-9]+\\.[0-9]+.*"), build.version());
    assertTrue(build.buildTime().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ"), build.buildTime());
    assertEquals("heartgate " + build.version() + " (built " + build.buildTime() + ")\n", version.out());

    try (TestGateway gateway = TestGateway.start(new DatabaseUrl.Sqlite(tempDir.resolve("heartgate.db")))) {
      var reply = TestGateway.get(gateway.api("/api/version"));
      assertEquals(200, reply.statusCode(), reply.body());
      assertEquals(new JsonObject().put("version", build.version()).put("buildTime", build.buildTime()),
          new JsonObject(reply.body()), "public, no credentials");
      assertEquals("no-store", reply.headers().firstValue("Cache-Control").orElse(null));
    }
  }

  @Test
  void aMisusedCommandIsExitCodeTwoWithItsUsage() {
    CommandRun run = CommandRun.of("backup", "--database", "sqlite:x.db");
    assertEquals(2, run.exitCode(), run.toString());
    assertTrue(run.err().startsWith("Missing required option: '--to=FILE'"), run.err());
    assertTrue(run.err().contains("Usage: heartgate backup"), run.err());
    CommandRun unknown = CommandRun.of("migrate", "--port", "1");
    assertEquals(2, unknown.exitCode(), unknown.toString());
    assertTrue(unknown.err().startsWith("Unknown options: '--port', '1'"), unknown.err());
  }
}
