package io.heartgate.auth;

import io.vertx.core.Future;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The {@link GrantCache}'s loads, read from the {@link GrantSource} together: at most one read is in flight, and
 * the misses that arrive meanwhile wait for the next, which starts as soon as it ends and loads them all. So a
 * lone miss is read at once, and a fleet starting (each agent's token missed once, thousands a second) costs one
 * read per round trip to the store instead of one per token: on SQLite's only connection those reads had queued
 * behind each other and the heartbeats' writes for seconds. Every waiting miss's read starts after the miss
 * arrived, so it sees every change committed before it. Thread-safe.
 */
final class GrantLoads {
  private final GrantSource source;
  /** The misses waiting for the next read, by hash; guarded by this. */
  private Map<String, CompletableFuture<Grant>> waiting = new HashMap<>();
  /** Whether a read is in flight; guarded by this. */
  private boolean reading;

  GrantLoads(GrantSource source) {
    this.source = source;
  }

  /** The grant of the hash as the next read finds it, or null when it grants nothing; fails when the read fails. */
  CompletableFuture<Grant> load(String tokenHash) {
    CompletableFuture<Grant> grant;
    synchronized (this) {
      // A hash already waiting (its earlier load dropped by an invalidation) shares the read that has not started.
      grant = waiting.computeIfAbsent(tokenHash, ignored -> new CompletableFuture<>());
      if (reading) {
        return grant;
      }
      reading = true;
    }
    readWaiting();
    return grant;
  }

  private void readWaiting() {
    Map<String, CompletableFuture<Grant>> batch;
    synchronized (this) {
      if (waiting.isEmpty()) {
        reading = false;
        return;
      }
      batch = waiting;
      waiting = new HashMap<>();
    }
    // Through compose, so that a source that throws fails the batch rather than leaving it waiting forever.
    Future.succeededFuture().compose(ignored -> source.grantsByHash(List.copyOf(batch.keySet()))).onComplete(read -> {
      batch.forEach((hash, grant) -> {
        if (read.succeeded()) {
          grant.complete(read.result().get(hash));
        } else {
          grant.completeExceptionally(read.cause());
        }
      });
      readWaiting();
    });
  }
}
