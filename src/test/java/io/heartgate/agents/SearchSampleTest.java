package io.heartgate.agents;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How a sample plans a search: the thresholds, the longest run of rare trigrams, characters beyond 16 bits. */
class SearchSampleTest {
  /** 1,000 texts: "web-NNNN.example" for a share of them, "db-NNNN.example" for the rest. */
  private static SearchSample fleet(int web) {
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < 1_000; i++) {
      texts.add(String.format("%s-%04d.EXAMPLE", i < web ? "web" : "db", i));
    }
    return SearchSample.of(texts);
  }

  @Test
  void aTermIsCommonFromOneInAHundredAndTenTexts() {
    assertNull(fleet(10).plan("web").indexed(), "10 of 1,000");
    assertEquals("web", fleet(9).plan("web").indexed(), "9 of 1,000");
    List<String> few = List.of("web-1", "web-2", "web-3", "web-4", "web-5", "web-6", "web-7", "web-8", "web-9");
    assertEquals("web", SearchSample.of(few).plan("web").indexed(), "all of 9, but only 9");
  }

  /** 1,000 texts: "fleet-N". */
  private static List<String> numberedFleet() {
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < 1_000; i++) {
      texts.add("fleet-" + i);
    }
    return texts;
  }

  @Test
  void theIndexIsAskedForTheLongestRunOfRareTrigrams() {
    SearchSample sample = SearchSample.of(numberedFleet());
    // "t-1" is in 111 of them, "-12" in 11, "123" in one only.
    assertEquals("-123", sample.plan("fleet-123").indexed());
    assertEquals("T-XYZZY", sample.plan("FLEET-XYZZY").indexed(), "any case, kept as sent");
    assertEquals("t-cde", sample.plan("x-fleet-cde").indexed(), "the longer of two");
    assertEquals("x-fl", sample.plan("x-fleet-cd").indexed(), "the first of two as long");
    assertEquals("fleet-123", SearchSample.NONE.plan("fleet-123").indexed(), "no sample: all of it");
    assertEquals("FLEET-XYZZY", sample.plan("FLEET-XYZZY").term());
    assertNull(sample.plan("FLEET-XYZZY").lowered(), "the store lower-cases ASCII letters as Java does");
  }

  @Test
  void aTermWithCapitalsBeyondAsciiIsAlsoLookedForLowerCased() {
    List<String> texts = numberedFleet();
    SearchSample sample = SearchSample.of(texts);
    SearchSample.SearchPlan zurich = sample.plan("FLEET-Z\u00dcRICH");
    assertEquals("T-Z\u00dcRICH", zurich.indexed(), "as sent");
    assertEquals("fleet-z\u00fcrich", zurich.lowered().term());
    assertEquals("t-z\u00fcrich", zurich.lowered().indexed());
    assertNull(zurich.lowered().lowered());
    assertNull(sample.plan("fleet-z\u00fcrich").lowered(), "already lower-case");
    // Lower-cased, \u0130 is two characters (i and a dot above): the run is not where it was in the term as sent.
    SearchSample.SearchPlan istanbul = sample.plan("FLEET-\u0130STANBUL");
    assertEquals("FLEET-\u0130STANBUL", istanbul.indexed(), "then all of it as sent");
    assertEquals("t-i\u0307stanbul", istanbul.lowered().indexed(), "and the run lower-cased");
    texts.replaceAll(text -> "\u00e9cole-" + text);
    SearchSample.SearchPlan common = SearchSample.of(texts).plan("\u00c9COLE");
    assertNull(common.indexed(), "a term every text holds is read in order");
    assertNull(common.lowered().indexed(), "either way");
  }

  @Test
  void theWholeTermWhenItsRunGivesManyMoreAgentsToRead() {
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < 900; i++) {
      texts.add("10.0.9." + i);
    }
    for (int i = 0; i < 5; i++) {
      texts.add("10.0.4." + i);
    }
    for (int i = 0; i < 80; i++) {
      texts.add("rack-0.4-" + i);
    }
    SearchSample sample = SearchSample.of(texts);
    // "10.", "0.0" and ".0." are in 905 texts; "0.4", the rest, in 85; "10.0.4" in 5.
    assertEquals("10.0.4", sample.plan("10.0.4").indexed());
  }

  @Test
  void aCommonTermIsReadInOrder() {
    assertNull(fleet(500).plan("example").indexed());
    assertEquals("exampl", fleet(500).plan("exampl").term());
  }

  @Test
  void trigramsAreOfCharactersNotOfUtf16Units() {
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      texts.add("\uD83D\uDE80ro-" + i);
    }
    SearchSample sample = SearchSample.of(texts);
    assertNull(sample.plan("\uD83D\uDE80ro").indexed(), "three characters every text holds");
    assertNull(sample.plan("\uD83D\uDE80x").indexed(), "two characters (three UTF-16 units) no text holds: too short");
    assertEquals("x\uD83D\uDE80r", sample.plan("x\uD83D\uDE80ro").indexed(), "a rocket is one character");
  }
}
