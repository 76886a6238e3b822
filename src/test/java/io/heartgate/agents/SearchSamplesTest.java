package io.heartgate.agents;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.heartgate.testsupport.MovableClock;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** When samples are taken, and which one a search gets meanwhile. */
class SearchSamplesTest {
  private final MovableClock clock = new MovableClock();
  private final List<Promise<SearchSample>> taken = new ArrayList<>();
  private final SearchSamples samples = new SearchSamples(() -> {
    Promise<SearchSample> promise = Promise.promise();
    taken.add(promise);
    return promise.future();
  }, clock);

  private static SearchSample sample(String text) {
    return SearchSample.of(List.of(text));
  }

  @Test
  void theFirstSearchWaitsThenSamplesServeUntilTheyAreOld() {
    Future<SearchSample> first = samples.current();
    assertFalse(first.isComplete(), "the first search waits for the first sample");
    assertSame(SearchSample.NONE, samples.current().result(), "a search meanwhile plans without one");
    assertEquals(1, taken.size(), "one sample at a time");
    SearchSample one = sample("one");
    taken.get(0).complete(one);
    assertSame(one, first.result());

    // The clock follows the system's: a margin for the time the test itself takes.
    clock.advance(SearchSamples.MAX_AGE.minusSeconds(10));
    assertSame(one, samples.current().result());
    assertEquals(1, taken.size(), "not yet old");

    clock.advance(Duration.ofSeconds(10));
    assertSame(one, samples.current().result(), "an old sample serves while the next is taken");
    assertSame(one, samples.current().result());
    assertEquals(2, taken.size(), "one sample at a time");
    SearchSample two = sample("two");
    taken.get(1).complete(two);
    assertSame(two, samples.current().result());
    assertEquals(2, taken.size());
  }

  @Test
  void aSampleOfNoAgentsIsTakenAgainByTheNextSearch() {
    Future<SearchSample> first = samples.current();
    taken.get(0).complete(SearchSample.of(List.of()));
    assertEquals(List.of(), first.result().texts());
    Future<SearchSample> second = samples.current();
    assertFalse(second.isComplete(), "waits for a sample of the agents there are now");
    SearchSample one = sample("one");
    taken.get(1).complete(one);
    assertSame(one, second.result());
    assertSame(one, samples.current().result());
    assertEquals(2, taken.size());
  }

  @Test
  void aFailedSampleIsTakenAgainByTheNextSearch() {
    Future<SearchSample> first = samples.current();
    taken.get(0).fail("store down");
    assertSame(SearchSample.NONE, first.result(), "the search goes on without one");
    Future<SearchSample> second = samples.current();
    assertEquals(2, taken.size());
    SearchSample one = sample("one");
    taken.get(1).complete(one);
    assertSame(one, second.result());
  }
}
