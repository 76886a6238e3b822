package io.heartgate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.heartgate.settings.DatabaseUrl;
import io.heartgate.testsupport.FreePort;
import io.heartgate.testsupport.StoreKind;
import io.heartgate.testsupport.TestGateway;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** {@code migrate}: brings a new or older store up to date, says so, and changes nothing the second time. */
class MigrateCommandTest {
  @TempDir
  Path tempDir;

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void appliesWhatIsMissingThenNothing(StoreKind kind) throws Exception {
    DatabaseUrl store = kind.freshStore(tempDir);
    CommandRun first = CommandRun.on(store, Map.of(), "", "migrate");
    assertEquals(0, first.exitCode(), first.toString());
    assertTrue(first.out().matches("applied [0-9]+ migrations to " + Pattern.quote(store.masked()) + "\n"),
        first.out());
    CommandRun second = CommandRun.on(store, Map.of(), "", "migrate");
    assertEquals(0, second.exitCode(), second.toString());
    assertEquals("the schema of " + store.masked() + " is up to date\n", second.out());
    TestGateway.start(store).close();
  }

  @Test
  void theStoreComesFromTheEnvironmentAsForServe() {
    Path file = tempDir.resolve("from-env/heartgate.db");
    CommandRun run = CommandRun.of(Map.of("DATABASE_URL", "sqlite:" + file), "", "migrate");
    assertEquals(0, run.exitCode(), run.toString());
    assertTrue(file.toFile().isFile(), "the store named by DATABASE_URL was created");
  }

  @Test
  void anUnreachableStoreFailsWithExitCodeOne() {
    int closed = FreePort.find();
    CommandRun run = CommandRun.of(Map.of("DATABASE_URL", "postgres://hg:s3cret@127.0.0.1:" + closed + "/hg"), "",
        "migrate");
    assertEquals(1, run.exitCode(), run.toString());
    assertTrue(run.err().startsWith("heartgate: cannot use the store postgres://hg:****@127.0.0.1:" + closed + "/hg"),
        run.err());
    assertFalse(run.err().contains("s3cret"), run.err());
  }

  @Test
  void aBadSettingIsExitCodeTwo() {
    CommandRun run = CommandRun.of(Map.of("DATABASE_URL", "mysql://x"), "", "migrate");
    assertEquals(2, run.exitCode(), run.toString());
    assertEquals("heartgate: invalid DATABASE_URL: unknown scheme; expected sqlite:<path> or "
        + "postgres://user:pass@host:port/db\n", run.err());
  }
}
