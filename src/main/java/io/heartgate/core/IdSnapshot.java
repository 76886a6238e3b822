package io.heartgate.core;

import io.vertx.core.Future;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Where a listing of items with names that can change stands: the ids it had when it began, in their order then, and
 * how many of them were listed. Each item is listed once, with what it holds when its page is read; one deleted
 * meanwhile is left out, one created meanwhile is not in the listing. Pages by a name that can change would list
 * twice an item renamed to a later name, and skip one renamed to an earlier name, which existed all along.
 */
public record IdSnapshot(List<String> ids, int listed) {
  /**
   * The page of up to {@code size} items at {@code at}; at null, reads the ids first.
   *
   * @param ids every id of the listing, in its order
   * @param byIds the items of these ids, in any order, those that no longer exist left out
   */
  public static <T> Future<Page<T, IdSnapshot>> page(IdSnapshot at, int size, Supplier<Future<List<String>>> ids,
      Function<List<String>, Future<List<T>>> byIds, Function<T, String> idOf) {
    Future<IdSnapshot> from = at != null ? Future.succeededFuture(at) : ids.get().map(all -> new IdSnapshot(all, 0));
    return from.compose(snapshot -> {
      int end = Math.min(snapshot.listed + size, snapshot.ids.size());
      List<String> wanted = snapshot.ids.subList(snapshot.listed, end);
      IdSnapshot next = end < snapshot.ids.size() ? new IdSnapshot(snapshot.ids, end) : null;
      if (wanted.isEmpty()) {
        return Future.succeededFuture(new Page<>(List.of(), next));
      }
      return byIds.apply(wanted).map(found -> new Page<>(Page.inOrder(wanted, found, idOf), next));
    });
  }
}
