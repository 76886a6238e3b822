package io.heartgate.heartbeat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The heartbeat path's own JSON writer and time reader give exactly what the JDK and Jackson give. */
class HeartbeatEncodingTest {
  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS);

  static Stream<Path> fixtures() throws Exception {
    return Files.list(Path.of("src/test/resources/telegraf-heartbeat")).filter(p -> p.toString().endsWith(".json"))
        .sorted();
  }

  @ParameterizedTest
  @MethodSource("fixtures")
  void compactTextIsWhatToStringGives(Path fixture) throws Exception {
    JsonNode node = JSON.readTree(Files.readAllBytes(fixture));
    assertEquals(node.toString(), CompactJson.text(node));
    assertEquals(node.toString().getBytes(StandardCharsets.UTF_8).length, CompactJson.utf8Length(node));
  }

  @Test
  void everyKindOfValueIsWrittenAsToStringWritesIt() throws Exception {
    String text = "{\"s\":\"é \\\" \\n \\u0001 😀 \\ud83d lone \\ude00 \\ud83d\",\"i\":-12,\"big\":123456789012345678901234567890,"
        + "\"d\":1.5e-7,\"e\":0.1,\"t\":true,\"f\":false,\"n\":null,\"a\":[[],{},[1,[2]]],\"o\":{\"x\":{\"y\":[]}}}";
    for (ObjectMapper mapper : List.of(JSON, new ObjectMapper())) {
      JsonNode node = mapper.readTree(text);
      assertEquals(node.toString(), CompactJson.text(node));
      assertEquals(node.toString().getBytes(StandardCharsets.UTF_8).length, CompactJson.utf8Length(node));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"2025-10-22T16:02:30Z", "2025-10-22T16:02:30.1Z", "2025-10-22T16:02:30.123456789Z",
      "2024-02-29T23:59:59Z", "0000-01-01T00:00:00Z", "9999-12-31T23:59:59.999Z", "2025-10-22T16:02:30+02:00",
      "2025-10-22T16:02:30.5-05:30", "2025-10-22t16:02:30Z", "2025-10-22T16:02Z", "2025-10-22T16:02:30.Z"})
  void acceptedTimesGiveTheJdkInstant(String text) {
    assertEquals(OffsetDateTime.parse(text).toInstant(), RfcTime.parse(text));
  }

  @ParameterizedTest
  @ValueSource(strings = {"2023-02-29T00:00:00Z", "2025-13-01T00:00:00Z", "2025-10-32T00:00:00Z",
      "2025-10-22T24:00:00Z", "2025-10-22T16:60:00Z", "2025-10-22T16:02:60Z", "2025-10-22T16:02:30.1234567890Z",
      "2025-10-22 16:02:30Z", "2025-10-22T16:02:30", "2025-1a-22T16:02:30Z", "", "yesterday",
      "+2025-10-22T16:02:30Z", "2025-10-22T16:02:30.12x4Z"})
  void refusedTimesAreRefusedLikeTheJdkDoes(String text) {
    assertThrows(DateTimeParseException.class, () -> OffsetDateTime.parse(text));
    assertThrows(DateTimeParseException.class, () -> RfcTime.parse(text));
  }

  @Test
  void onlyTheUtcFormTakesTheDirectPath() {
    assertNull(RfcTime.utc("2025-10-22T16:02:30+00:00"));
    assertEquals(OffsetDateTime.parse("2025-10-22T16:02:30.25Z").toInstant(), RfcTime.utc("2025-10-22T16:02:30.25Z"));
  }
}
