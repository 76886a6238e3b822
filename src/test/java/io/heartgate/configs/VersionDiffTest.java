package io.heartgate.configs;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
}
