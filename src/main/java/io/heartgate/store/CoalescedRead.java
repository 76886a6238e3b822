package io.heartgate.store;

import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A read of the store shared by every request that arrived before it started (group commit, for reads). Per key at
 * most one read is in flight; requests that arrive meanwhile do not join it (it may have started before a change
 * they must see was committed) but wait for the next one, which starts as soon as it ends and answers them all.
 * So every answer comes from a read that started after its request arrived, and shows every change committed
 * before the request, on whichever node committed it, while a storm of requests for one key costs one read per
 * round trip to the store instead of one per request. A read that has not answered within {@value #TIMEOUT_SECONDS}
 * s fails its requests as an outage (503) and makes way for the next: a store that stands still must not hold every
 * request that comes meanwhile. Thread-safe: the routers of every event loop call it; each caller's future
 * completes on the caller's own context.
 *
 * @param <K> what is read (a config's id or alias, …); equal keys share reads
 * @param <V> what a read gives; shared by all the requests it answers, so it must not be changed
 */
public final class CoalescedRead<K, V> {
  static final int TIMEOUT_SECONDS = 10;
  private final Function<K, Future<V>> read;
  /**
   * For each key whose read is in flight, the requests waiting for the next read; a key is present exactly while
   * its read is in flight. Guarded by itself.
   */
  private final Map<K, List<Waiter<V>>> next = new HashMap<>();

  /** @param read reads the store for a key; called for one key at a time */
  public CoalescedRead(Function<K, Future<V>> read) {
    this.read = read;
  }

  /** The value of the key as a read that starts after this call gives it (a failed read fails every waiter). */
  public Future<V> get(K key) {
    Waiter<V> waiter = new Waiter<>(Vertx.currentContext(), Promise.promise());
    boolean idle;
    synchronized (next) {
      List<Waiter<V>> waiting = next.get(key);
      idle = waiting == null;
      if (idle) {
        next.put(key, new ArrayList<>());
      } else {
        waiting.add(waiter);
      }
    }
    if (idle) {
      start(key, List.of(waiter));
    }
    return waiter.promise().future();
  }

  private void start(K key, List<Waiter<V>> batch) {
    Future<V> result;
    try {
      // A read given up on may still end: only what it answers is dropped.
      result = read.apply(key).timeout(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (RuntimeException e) {
      result = Future.failedFuture(e);
    }
    result.onComplete(outcome -> {
      List<Waiter<V>> following;
      synchronized (next) {
        following = next.remove(key);
        if (!following.isEmpty()) {
          next.put(key, new ArrayList<>());
        }
      }
      // The next round trip starts before this batch is answered: it is what its waiters wait for.
      if (!following.isEmpty()) {
        start(key, following);
      }
      batch.forEach(each -> each.complete(outcome));
    });
  }

  /** A request waiting for a read, answered on the context it came from. */
  private record Waiter<V>(Context context, Promise<V> promise) {
    void complete(AsyncResult<V> outcome) {
      if (context == null || context == Vertx.currentContext()) {
        promise.handle(outcome);
      } else {
        context.runOnContext(ignored -> promise.handle(outcome));
      }
    }
  }
}
