package io.heartgate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * conf/heartgate.service is a unit systemd accepts as written: {@code systemd-analyze verify} finds nothing to say
 * (it exits 0 on unknown keys and bad values, printing them, so its output must be empty too), and it keeps the
 * settings the README promises. Skipped where systemd-analyze is missing, except under CI=true.
 */
class ServiceUnitTest {
  private static final Path UNIT = Path.of("conf/heartgate.service");

  @Test
  void systemdAcceptsTheUnitWithoutAWord() throws Exception {
    Path analyze = onPath("systemd-analyze");
    if (analyze == null) {
      if ("true".equals(System.getenv("CI"))) {
        fail("systemd-analyze is missing; .ci/run installs it with the systemd package");
      }
      Assumptions.abort("systemd-analyze is not installed (Debian: apt-get install systemd), so the unit is not "
          + "verified");
    }
    Process verify = new ProcessBuilder(analyze.toString(), "verify", UNIT.toAbsolutePath().toString())
        .redirectErrorStream(true).start();
    assertTrue(verify.waitFor(60, TimeUnit.SECONDS), "systemd-analyze verify finishes");
    String output = new String(verify.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, verify.exitValue(), output);
    assertEquals("", output.strip(), "systemd-analyze verify has remarks");
  }

  @Test
  void theUnitRunsHardenedAsItsOwnUserWithACappedHeap() throws IOException {
    List<String> lines = Files.readAllLines(UNIT, StandardCharsets.UTF_8);
    for (String expected : List.of("User=heartgate", "StateDirectory=heartgate", "WorkingDirectory=/var/lib/heartgate",
        "Restart=on-failure", "NoNewPrivileges=yes", "ProtectSystem=strict", "ProtectHome=yes", "PrivateTmp=yes")) {
      assertTrue(lines.contains(expected), expected);
    }
    assertTrue(lines.stream().anyMatch(line -> line.startsWith("ExecStart=") && line.contains(" -Xmx256m ")
        && line.endsWith(" -jar /opt/heartgate/heartgate.jar")), "ExecStart caps the heap");
    // Today (a second probe): an out-of-memory error that Netty only logged left the node half alive.
    assertTrue(lines.stream().anyMatch(line -> line.startsWith("ExecStart=")
        && line.contains(" -XX:+ExitOnOutOfMemoryError ")), "ExecStart exits on any out-of-memory error");
  }

  private static Path onPath(String program) {
    return Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
        .filter(folder -> !folder.isEmpty())
        .map(folder -> Path.of(folder, program))
        .filter(Files::isExecutable)
        .findFirst().orElse(null);
  }
}
