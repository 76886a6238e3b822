package io.heartgate.configs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The unified diff of two versions, as {@code diff -u} writes it, line endings included. */
class VersionDiffTest {
  private static String diff(String from, String to) {
    return VersionDiff.unified(new ConfigVersion(1, from, 0, null, null), new ConfigVersion(2, to, 0, null, null));
  }

  @Test
  void sameTomlIsAnEmptyDiff() {
    assertEquals("", diff("a = 1\n", "a = 1\n"));
    assertEquals("", diff("", ""));
  }

  @Test
  void changedLineWithContext() {
    assertEquals("--- a/version-1\n+++ b/version-2\n@@ -1,2 +1,2 @@\n a = 1\n-b = 2\n+b = 3\n",
        diff("a = 1\nb = 2\n", "a = 1\nb = 3\n"));
  }

  @Test
  void aMissingFinalLineBreakIsMarkedAsDiffMarksIt() {
    assertEquals("--- a/version-1\n+++ b/version-2\n@@ -1,1 +1,1 @@\n-a = 1\n\\ No newline at end of file\n"
        + "+a = 1\n", diff("a = 1", "a = 1\n"));
    assertEquals("--- a/version-1\n+++ b/version-2\n@@ -1,0 +1,1 @@\n+a = 1\n", diff("", "a = 1\n"));
  }

  @Test
  void crlfAgainstLfIsAChangedLine() {
    assertEquals("--- a/version-1\n+++ b/version-2\n@@ -1,1 +1,1 @@\n-a = 1\r\n+a = 1\n",
        diff("a = 1\r\n", "a = 1\n"));
  }

  // Today: Myers' diff of two versions differing in every one of 20,000 lines took 10 s on an event loop (its time
  // grows with the square of the lines changed), and a viewer's token could ask for it (a helper's probe).
  @Test
  void versionsThatDifferEverywhereGiveOneHunkOfTheirDifferingMiddle() {
    String from = lines("c", 20_000);
    String to = lines("d", 20_000);
    String diff = diff("head\n" + from + "tail\n", "head\n" + to + "tail\n");
    String expected = "--- a/version-1\n+++ b/version-2\n@@ -1,20002 +1,20002 @@\n head\n"
        + from.lines().map(line -> "-" + line + "\n").collect(Collectors.joining())
        + to.lines().map(line -> "+" + line + "\n").collect(Collectors.joining()) + " tail\n";
    assertEquals(expected, diff);
  }

  @Test
  void aFewChangesInALongConfigStayAFewHunks() {
    String from = lines("k", 50_000);
    String to = from.replace("k100 = 100\n", "k100 = 101\n").replace("k40000 = 40000\n", "");
    String diff = diff(from, to);
    assertEquals(2, diff.lines().filter(line -> line.startsWith("@@")).count(), diff);
    assertEquals(3, diff.lines().filter(line -> line.matches("[-+]k.*")).count(), diff);
  }

  @Test
  void versionsFurtherApartThanTheBudgetGetTheirDifferingMiddleReplaced() {
    String from = lines("k", 20_000);
    StringBuilder to = new StringBuilder();
    from.lines().forEach(line -> to.append(line.startsWith("k") && line.endsWith("0") ? line + "1" : line)
        .append('\n'));
    String diff = diff(from, to.toString());
    assertEquals(1, diff.lines().filter(line -> line.startsWith("@@")).count(), "one hunk, not 2,000");
    assertEquals("@@ -1,19994 +1,19994 @@", diff.lines().skip(2).findFirst().orElseThrow(),
        "from the first change (line 1, k0) to the last (line 19991, k19990) and its three lines of context");
  }

  private static String lines(String prefix, int count) {
    return IntStream.range(0, count).mapToObj(i -> prefix + i + " = " + i + "\n").collect(Collectors.joining());
  }
}
