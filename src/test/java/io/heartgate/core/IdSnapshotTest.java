package io.heartgate.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A listing over the ids it had when it began. Today (a helper's probe of pages by name): a config renamed to a later
 * name while its listing was written was listed twice, and one renamed to an earlier name not at all.
 */
class IdSnapshotTest {
  private record Item(String id, String name) {
  }

  /** The stored items by id, in the order of their names when the listing began. */
  private final Map<String, Item> stored = new LinkedHashMap<>();

  private Future<Page<Item, IdSnapshot>> page(IdSnapshot at) {
    return IdSnapshot.page(at, 2, () -> Future.succeededFuture(new ArrayList<>(stored.keySet())),
        ids -> {
          // In any order, as a store answers WHERE id IN (…).
          List<Item> found = new ArrayList<>(ids.stream().map(stored::get).filter(item -> item != null).toList());
          java.util.Collections.reverse(found);
          return Future.succeededFuture(found);
        }, Item::id);
  }

  @Test
  void eachItemOnceInTheOrderOfTheStartWithWhatItHoldsWhenItsPageIsRead() {
    for (String id : List.of("a", "b", "c", "d", "e")) {
      stored.put(id, new Item(id, "name of " + id));
    }
    Page<Item, IdSnapshot> first = page(null).result();
    assertEquals(List.of("a", "b"), first.items().stream().map(Item::id).toList());

    stored.put("b", new Item("b", "zz renamed after its page"));
    stored.put("d", new Item("d", "aa renamed before its page"));
    stored.remove("c");
    stored.put("f", new Item("f", "created meanwhile"));
    Page<Item, IdSnapshot> second = page(first.next()).result();
    assertEquals(List.of(new Item("d", "aa renamed before its page")), second.items(),
        "c deleted is left out, d listed once under its new name, b not again");
    Page<Item, IdSnapshot> third = page(second.next()).result();
    assertEquals(List.of("e"), third.items().stream().map(Item::id).toList(), "f is not in the listing");
    assertNull(third.next());
  }

  @Test
  void anEmptyListingIsOneEmptyPage() {
    Page<Item, IdSnapshot> only = page(null).result();
    assertEquals(List.of(), only.items());
    assertNull(only.next());
  }
}
