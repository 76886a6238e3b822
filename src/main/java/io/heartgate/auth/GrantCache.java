package io.heartgate.auth;

import com.github.benmanes.caffeine.cache.AsyncLoadingCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.heartgate.metrics.TokenCacheMeters;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * The {@link TokenVerifier}'s cache: the grants of token hashes, a Caffeine cache in front of a
 * {@link GrantSource}, and which tokens were used since the last flush. Thread-safe: the verifier loads, refuses
 * and invalidates through it, and the routers read a cached, usable grant from it through the verifier. An
 * invalidation removes the entry for every reader at once, so no reader can see a grant the verifier has dropped.
 */
final class GrantCache {
  /** A safety net only: every narrowing change invalidates explicitly. */
  private static final Duration GRANT_TTL = Duration.ofMinutes(10);
  private static final Duration UNKNOWN_TTL = Duration.ofSeconds(2);

  private final AsyncLoadingCache<String, Optional<Grant>> cache;
  private final TokenCacheMeters meters;
  /** Token id → when it was last used since the previous flush. */
  private final Map<String, Long> usedSinceFlush = new ConcurrentHashMap<>();

  /**
   * @param source asked once per miss
   * @param meters counts hits, misses (loads) and invalidations; watches the size
   */
  GrantCache(GrantSource source, TokenCacheMeters meters) {
    this.meters = meters;
    AsyncLoadingCache<String, Optional<Grant>> built = Caffeine.newBuilder()
        // Maintenance runs on the thread that touched the cache (an event loop) instead of waking a ForkJoinPool
        // thread after every few hundred hits; loads complete on Vert.x anyway.
        .executor(Runnable::run)
        .maximumSize(1_000_000)
        .expireAfter(Expiry.creating((String hash, Optional<Grant> grant) ->
            grant.isPresent() ? GRANT_TTL : UNKNOWN_TTL))
        .buildAsync((hash, executor) -> {
          meters.miss();
          return source.grantByHash(hash).toCompletionStage().toCompletableFuture();
        });
    this.cache = built;
    meters.watchSize(() -> built.synchronous().estimatedSize());
  }

  /**
   * The grant of the hash, loading it on a miss (concurrent misses share one load). A miss is counted by the load
   * itself; anything answered without one (a load already in flight, an unknown or expired token remembered) is a
   * hit.
   */
  CompletableFuture<Optional<Grant>> get(String tokenHash) {
    CompletableFuture<Optional<Grant>> cached = cache.getIfPresent(tokenHash);
    if (cached != null) {
      meters.hit();
      return cached;
    }
    return cache.get(tokenHash);
  }

  /**
   * The grant of the hash if it is cached, loaded, and not expired at {@code now}, recorded as used; else null,
   * and the caller asks the verifier, which loads or refuses with the contract's message.
   */
  Grant usableNow(String tokenHash, long now) {
    CompletableFuture<Optional<Grant>> cached = cache.getIfPresent(tokenHash);
    if (cached == null || !cached.isDone() || cached.isCompletedExceptionally()) {
      return null;
    }
    Grant grant = cached.join().orElse(null);
    if (grant == null || grant.expiredAt(now)) {
      return null;
    }
    meters.hit();
    recordUse(grant, now);
    return grant;
  }

  void recordUse(Grant grant, long now) {
    usedSinceFlush.put(grant.tokenId(), now);
  }

  /** Token id → last use since the previous call, emptied as it is read. */
  Map<String, Long> takeUses() {
    Map<String, Long> taken = new HashMap<>();
    for (String tokenId : List.copyOf(usedSinceFlush.keySet())) {
      Long usedAt = usedSinceFlush.remove(tokenId);
      if (usedAt != null) {
        taken.put(tokenId, usedAt);
      }
    }
    return taken;
  }

  /**
   * Drops matching entries, including loads still in flight, which might carry the old grant.
   *
   * @param origin counted under it; null when this node's own change comes back on the feed (counted already)
   */
  void apply(Invalidation invalidation, TokenCacheMeters.Origin origin) {
    if (origin != null) {
      meters.invalidated(origin, switch (invalidation.scope()) {
        case TOKEN_HASH -> TokenCacheMeters.Scope.TOKEN_HASH;
        case TOKEN_ID -> TokenCacheMeters.Scope.TOKEN_ID;
        case USER_ID -> TokenCacheMeters.Scope.USER;
        case ALL -> TokenCacheMeters.Scope.ALL;
      });
    }
    switch (invalidation.scope()) {
      case TOKEN_HASH -> cache.synchronous().invalidate(invalidation.value());
      case TOKEN_ID -> removeIf(grant -> grant.tokenId().equals(invalidation.value()));
      case USER_ID -> removeIf(grant -> grant.userId().equals(invalidation.value()));
      case ALL -> invalidateAll();
    }
  }

  void invalidateAll() {
    cache.synchronous().invalidateAll();
  }

  /** The change feed reconnected and may have missed changes: everything goes. */
  void resync() {
    meters.invalidated(TokenCacheMeters.Origin.RESYNC, TokenCacheMeters.Scope.ALL);
    invalidateAll();
  }

  private void removeIf(Predicate<Grant> matches) {
    cache.asMap().values().removeIf(future -> !future.isDone() || future.isCompletedExceptionally()
        || future.join().map(matches::test).orElse(false));
  }
}
