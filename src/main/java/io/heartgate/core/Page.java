package io.heartgate.core;

import java.util.List;
import java.util.function.Function;

/**
 * One page of a listing, and where the next one starts: a key that never changes (a token's creation time and name, a
 * version's number) or a place in the ids the listing began with ({@link IdSnapshot}), never an offset into what is
 * stored now, so that an item is read once when others are added or removed meanwhile.
 *
 * @param next the key the next page starts after; null when this page is the last
 */
public record Page<T, K>(List<T> items, K next) {
  /**
   * The page of these items, read with {@code LIMIT limit}: the last one when there were fewer, else followed by the
   * page after its last item's key.
   */
  public static <T, K> Page<T, K> read(List<T> items, int limit, Function<T, K> key) {
    return new Page<>(items, items.size() < limit ? null : key.apply(items.get(items.size() - 1)));
  }

  /**
   * The page of the first {@code limit} of these items, read with {@code LIMIT limit + 1}: the last one when there
   * were no more, else followed by the page after the last item kept (never an empty page after a full one).
   */
  public static <T, K> Page<T, K> readOneMore(List<T> items, int limit, Function<T, K> key) {
    return items.size() <= limit ? new Page<>(items, null)
        : new Page<>(items.subList(0, limit), key.apply(items.get(limit - 1)));
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
