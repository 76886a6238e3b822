package io.heartgate.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.DateTimeException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link Rfc3339} accepts and refuses exactly the texts {@link OffsetDateTime#parse} does, with the same instant. */
class Rfc3339Test {
  private static String outcome(Parser parser, String text) {
    try {
      return String.valueOf(parser.parse(text));
    } catch (DateTimeException e) {
      return "refused";
    }
  }

  @FunctionalInterface
  private interface Parser {
    Object parse(String text);
  }

  private static void assertSameAsTheJdk(String text) {
    assertEquals(outcome(t -> OffsetDateTime.parse(t).toInstant(), text), outcome(Rfc3339::parse, text), text);
  }

  @Test
  void readsWhatTheJdkReadsAndRefusesWhatItRefuses() {
    List<String> texts = new ArrayList<>(List.of(
        "2025-10-22T16:02:30Z", "2025-10-22T16:02:30.1Z", "2025-10-22T16:02:30.123456789Z",
        "2025-10-22T16:02:30.1234567890Z", "2025-10-22T16:02:30.Z", "2025-10-22T16:02:30+02:00",
        "2025-10-22T16:02:30-07:30", "2025-10-22T16:02:30-00:00", "2025-10-22T16:02:30+18:00",
        "2025-10-22T16:02:30+18:01", "2025-10-22T16:02:30+19:00", "2025-10-22T16:02:30+02:60",
        "2025-10-22T16:02:30+0200", "2025-10-22T16:02:30+02", "2025-10-22T16:02:30+02:00:30",
        "2025-10-22t16:02:30z", "2025-10-22 16:02:30Z", "2025-10-22T16:02Z", "2025-10-22T16:02:30",
        "2024-02-29T00:00:00Z", "2023-02-29T00:00:00Z", "1900-02-29T00:00:00Z", "2000-02-29T00:00:00Z",
        "2025-04-31T00:00:00Z", "2025-12-31T23:59:59Z", "2025-12-31T23:59:60Z", "2025-12-31T24:00:00Z",
        "2025-00-10T00:00:00Z", "2025-13-10T00:00:00Z", "2025-01-00T00:00:00Z", "2025-01-32T00:00:00Z",
        "0000-01-01T00:00:00Z", "9999-12-31T23:59:59.999999999-18:00", "+12025-01-01T00:00:00Z",
        "-2025-01-01T00:00:00Z", "2025-1-01T00:00:00Z", "2025-01-01T0:00:00Z", "2O25-01-01T00:00:00Z",
        "2025-01-01T00:00:00Z ", " 2025-01-01T00:00:00Z", "2025-01-01T00:00:00ZZ", "2025-01-01T00:00:00\u0661Z",
        "２０２５-01-01T00:00:00Z", "2025-01-01T00:00:00+\u0660\u0661:00", "", "Z", "2025-10-22"));
    Random random = new Random(3339);
    String alphabet = "0123456789-:T.Z+ tz";
    for (int i = 0; i < 20_000; i++) {
      char[] text = "2025-10-22T16:02:30.123+02:00".toCharArray();
      int changes = 1 + random.nextInt(3);
      for (int c = 0; c < changes; c++) {
        text[random.nextInt(text.length)] = alphabet.charAt(random.nextInt(alphabet.length()));
      }
      int cut = random.nextInt(4) == 0 ? random.nextInt(text.length + 1) : text.length;
      texts.add(new String(text, 0, cut));
    }
    for (int i = 0; i < 20_000; i++) {
      texts.add(String.format("%04d-%02d-%02dT%02d:%02d:%02d%s", random.nextInt(10_000), random.nextInt(14),
          random.nextInt(33), random.nextInt(25), random.nextInt(61), random.nextInt(61),
          random.nextBoolean() ? "Z" : String.format("%s%02d:%02d", random.nextBoolean() ? "+" : "-",
              random.nextInt(20), random.nextInt(61))));
    }
    for (String text : texts) {
      assertSameAsTheJdk(text);
    }
  }
}
