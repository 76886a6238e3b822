package io.heartgate.core;

import io.vertx.core.Future;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * One page of a listing, and where the next one starts: a key that never changes (a token's creation time and name, a
 * version's number), a place in the ids the listing began with ({@link IdSnapshot}), or, for a page a client asked
 * for with a cursor, its last item's name (unique in the listing, so one renamed between two requests may be listed
 * twice or not at all). Never an offset into what is stored now, so that an item is read once when others are added
 * or removed meanwhile.
 *
 * @param next the key the next page starts after; null when this page is the last
 */
public record Page<T, K>(List<T> items, K next) {
  /**
   * The page of the first {@code limit} of these items, read with {@code LIMIT limit + 1}: the last one when there
   * were no more, else followed by the page after the last item kept (never an empty page after a full one).
   */
  public static <T, K> Page<T, K> readOneMore(List<T> items, int limit, Function<T, K> key) {
    return items.size() <= limit ? new Page<>(items, null)
        : new Page<>(items.subList(0, limit), key.apply(items.get(limit - 1)));
  }

  /** An item's id and its key in the listing's order, as one query read them. */
  public record Keyed<K>(String id, K key) {
  }

  /**
   * The page of the items of these ids, which were read with their keys with {@code LIMIT limit + 1} in the listing's
   * order: the first {@code limit} read by {@code byIds} and kept in that order (those deleted in between left out),
   * followed, when there was one id more, by the page after the key of the last of them as it was read (an item
   * renamed or deleted in between moves no other one).
   */
  public static <T, K> Future<Page<T, K>> ofIds(List<Keyed<K>> ids, int limit,
      Function<List<String>, Future<List<T>>> byIds, Function<T, String> idOf) {
    List<String> wanted = ids.subList(0, Math.min(limit, ids.size())).stream().map(Keyed::id).toList();
    K next = ids.size() <= limit ? null : ids.get(limit - 1).key();
    Future<List<T>> found = wanted.isEmpty() ? Future.succeededFuture(List.of()) : byIds.apply(wanted);
    return found.map(items -> new Page<>(inOrder(wanted, items, idOf), next));
  }

  /** The items in the order of these ids; an id with no item is left out. */
  public static <T> List<T> inOrder(List<String> ids, List<T> items, Function<T, String> idOf) {
    Map<String, T> byId = items.stream().collect(Collectors.toMap(idOf, item -> item));
    return ids.stream().map(byId::get).filter(Objects::nonNull).toList();
  }

  /** This page with each item turned into another. */
  public <U> Page<U, K> map(Function<T, U> each) {
    return with(items.stream().map(each).toList());
  }

  /** These items in place of this page's, followed by the same next page. */
  public <U> Page<U, K> with(List<U> others) {
    return new Page<>(others, next);
  }
}
