package io.heartgate.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * What the access log writes of a request no route answered. Today (a helper's probe): a raw request target with
 * the bytes of C1 controls (CSI, NEL) reached the log as they were, escape sequences and line breaks for a terminal
 * or a log tool, and a method of 120 letters was written whole.
 */
class AccessLogTest {
  @Test
  void anUnmatchedPathIsWrittenInPrintableAsciiOnly() {
    assertEquals("/zz?31mRED?0m?NEXTLINE", AccessLog.raw("/zz\u009b31mRED\u009b0m\u0085NEXTLINE"));
    assertEquals("/caf??", AccessLog.raw("/caf\u00c3\u00a9"), "UTF-8 read as Latin-1, as the decoder reads it");
    assertEquals("/a?b?c", AccessLog.raw("/a\u007fb\u202ec"));
  }

  @Test
  void aLongMethodIsCut() {
    assertEquals("GET", AccessLog.method("GET"));
    assertEquals("G".repeat(16) + "…", AccessLog.method("G".repeat(120)));
  }
}
