package io.heartgate.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.vertx.core.Future;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A page a client asks for, read as ids with their keys, then the rows of those ids. Today (a second read of the
 * change): the next page went on from the last row's name as the rows were read, so a row renamed between the two
 * reads made the next page skip every item up to its new name, and a first page whose rows were all deleted between
 * the two ended the listing.
 */
class PageTest {
  private static Page.Keyed<String> keyed(String id, String name) {
    return new Page.Keyed<>(id, name);
  }

  private static Page<String, String> page(List<Page.Keyed<String>> ids, int limit, Map<String, String> rows) {
    return Page.ofIds(ids, limit, wanted -> Future.succeededFuture(
        wanted.stream().filter(rows::containsKey).map(rows::get).toList()), row -> row.split("=")[0]).result();
  }

  @Test
  void theNextPageGoesOnFromTheKeyTheIdsWereReadWith() {
    List<Page.Keyed<String>> ids = List.of(keyed("1", "a"), keyed("2", "b"), keyed("3", "c"));
    Page<String, String> renamed = page(ids, 2, Map.of("1", "1=a", "2", "2=zz"));
    assertEquals(List.of("1=a", "2=zz"), renamed.items());
    assertEquals("b", renamed.next(), "after b, as read: c is on the next page");

    Page<String, String> deleted = page(ids, 2, Map.of("3", "3=c"));
    assertEquals(List.of(), deleted.items(), "both rows of the page went in between");
    assertEquals("b", deleted.next(), "the listing goes on after them");
  }

  @Test
  void aPageWithoutOneIdMoreIsTheLast() {
    List<Page.Keyed<String>> ids = List.of(keyed("1", "a"), keyed("2", "b"));
    assertNull(page(ids, 2, Map.of("1", "1=a", "2", "2=b")).next());
    assertNull(page(List.of(), 2, Map.of()).next());
    assertEquals(List.of(), page(List.of(), 2, Map.of()).items());
  }

  @Test
  void readOneMoreKeepsTheLimitAndSaysWhetherMoreFollow() {
    assertEquals(new Page<>(List.of(1, 2), 2), Page.readOneMore(List.of(1, 2, 3), 2, n -> n));
    assertEquals(new Page<>(List.of(1, 2), null), Page.readOneMore(List.of(1, 2), 2, n -> n));
  }
}
