package io.heartgate.auth;

import com.github.benmanes.caffeine.cache.AsyncLoadingCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.heartgate.metrics.TokenCacheMeters;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * The {@link TokenVerifier}'s cache: the grants of token hashes (keyed by {@link TokenKey}), a Caffeine cache in
 * front of a {@link GrantSource}, and which tokens were used since the last flush. Thread-safe: the verifier loads,
 * refuses and invalidates through it, and the routers read a cached, usable grant from it through the verifier. An
 * invalidation removes the entry for every reader at once, so no reader can see a grant the verifier has dropped.
 * An entry is kept small (a million of them on a node serving a fleet): see {@link TokenKey} and {@link Grant}.
 *
 * <p>While the node cannot hear the other nodes' changes (its change feed lost its connection and does not listen
 * again yet), the cache serves nothing: every lookup asks the store, as a miss would, so that a token revoked on
 * another node meanwhile is refused here too. Only when the store cannot answer either (it is down, or out of this
 * node's reach) does a grant cached before stand, as it would have with the feed up: scrapes of the metrics go on
 * through an outage, and whatever needs the store fails anyway.
 */
final class GrantCache {
  /** A safety net only: every narrowing change invalidates explicitly. */
  private static final Duration GRANT_TTL = Duration.ofMinutes(10);
  private static final Duration UNKNOWN_TTL = Duration.ofSeconds(2);
  /**
   * What the cache holds for a hash the store does not know (or no longer grants): a grant of nothing that
   * expired at the epoch, so that it would be refused even if it were ever mistaken for a grant. In place of an
   * Optional, which would be one more object per cached grant.
   */
  private static final Grant UNKNOWN = new Grant("", "", "", Role.VIEWER, Set.of(), 0);

  private final AsyncLoadingCache<TokenKey, Grant> cache;
  private final GrantLoads loads;
  /** False from the loss of the change feed's connection until it listens again (see {@link #deaf}). */
  private volatile boolean hearing = true;
  private final TokenCacheMeters meters;
  /**
   * Grant → when it was last used since the previous flush. By the grant itself (by identity), which the cache
   * holds anyway, and not by its token's id, which a grant makes when asked for: a reloaded grant of the same
   * token is another key, merged by {@link #takeUses}.
   */
  private final Map<Grant, Long> usedSinceFlush = new ConcurrentHashMap<>();
  /** Token id → when it was last used since the previous flush, while the cache serves nothing (see {@link #deaf}). */
  private final Map<String, Long> usedWhileDeaf = new ConcurrentHashMap<>();

  /**
   * @param source asked for the misses, many at once (see {@link GrantLoads})
   * @param meters counts hits, misses (loads) and invalidations; watches the size
   */
  GrantCache(GrantSource source, TokenCacheMeters meters) {
    this.meters = meters;
    this.loads = new GrantLoads(source);
    AsyncLoadingCache<TokenKey, Grant> built = Caffeine.newBuilder()
        // Maintenance runs on the thread that touched the cache (an event loop) instead of waking a ForkJoinPool
        // thread after every few hundred hits; loads complete on Vert.x anyway.
        .executor(Runnable::run)
        .maximumSize(1_000_000)
        .expireAfter(Expiry.creating((TokenKey key, Grant grant) -> grant == UNKNOWN ? UNKNOWN_TTL : GRANT_TTL))
        .buildAsync((key, executor) -> {
          meters.lookups().miss();
          return loads.load(key.hash()).thenApply(found -> found == null ? UNKNOWN : found);
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
    TokenKey key = TokenKey.ofHash(tokenHash);
    if (!hearing) {
      meters.lookups().miss();
      return loads.load(tokenHash).handle((found, failure) -> failure == null
              ? CompletableFuture.completedFuture(Optional.ofNullable(found))
              : knownBefore(key).orElseGet(() -> CompletableFuture.failedFuture(failure)))
          .thenCompose(answer -> answer);
    }
    CompletableFuture<Grant> cached = cache.getIfPresent(key);
    if (cached != null) {
      meters.lookups().hit();
    } else {
      cached = cache.get(key);
    }
    return cached.thenApply(grant -> grant == UNKNOWN ? Optional.empty() : Optional.of(grant));
  }

  /** What the cache held for the key before the feed was lost (or since, from this node's changes), if anything. */
  private Optional<CompletableFuture<Optional<Grant>>> knownBefore(TokenKey key) {
    CompletableFuture<Grant> cached = cache.getIfPresent(key);
    if (cached == null || !cached.isDone() || cached.isCompletedExceptionally()) {
      return Optional.empty();
    }
    Grant grant = cached.join();
    return Optional.of(CompletableFuture.completedFuture(grant == UNKNOWN ? Optional.empty() : Optional.of(grant)));
  }

  /**
   * The grant of the hash if it is cached, loaded, and not expired at {@code now}, recorded as used; else null,
   * and the caller asks the verifier, which loads or refuses with the contract's message.
   */
  Grant usableNow(String tokenHash, long now) {
    if (!hearing) {
      return null;
    }
    CompletableFuture<Grant> cached = cache.getIfPresent(TokenKey.ofHash(tokenHash));
    if (cached == null || !cached.isDone() || cached.isCompletedExceptionally()) {
      return null;
    }
    Grant grant = cached.join();
    if (grant == UNKNOWN || grant.expiredAt(now)) {
      return null;
    }
    meters.lookups().hit();
    recordUse(grant, now);
    return grant;
  }

  void recordUse(Grant grant, long now) {
    if (hearing) {
      usedSinceFlush.put(grant, now);
    } else {
      // Each request loads a grant of its own meanwhile: by token, or the map would take one per request.
      usedWhileDeaf.merge(grant.tokenId(), now, Math::max);
    }
  }

  /**
   * Token id → last use since the previous call, in token id order, emptied as it is read. Hundreds of
   * milliseconds of CPU at a million tokens: not on an event loop.
   */
  SortedMap<String, Long> takeUses() {
    SortedMap<String, Long> taken = new TreeMap<>();
    for (Grant grant : List.copyOf(usedSinceFlush.keySet())) {
      Long usedAt = usedSinceFlush.remove(grant);
      if (usedAt != null) {
        taken.merge(grant.tokenId(), usedAt, Math::max);
      }
    }
    for (String tokenId : List.copyOf(usedWhileDeaf.keySet())) {
      Long usedAt = usedWhileDeaf.remove(tokenId);
      if (usedAt != null) {
        taken.merge(tokenId, usedAt, Math::max);
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
      case TOKEN_HASH -> cache.synchronous().invalidate(TokenKey.ofHash(invalidation.value()));
      case TOKEN_ID -> removeIf(Grant.ofToken(invalidation.value()));
      case USER_ID -> removeIf(grant -> grant.userId().equals(invalidation.value()));
      case ALL -> invalidateAll();
    }
  }

  void invalidateAll() {
    cache.synchronous().invalidateAll();
  }

  /**
   * The change feed lost its connection: changes of other nodes go unheard from now on, so nothing cached may be
   * served while the store can answer, nor anything loaded meanwhile be kept, until {@link #resync}.
   */
  void deaf() {
    hearing = false;
  }

  /** The change feed listens again and may have missed changes: everything goes, and the cache serves again. */
  void resync() {
    meters.invalidated(TokenCacheMeters.Origin.RESYNC, TokenCacheMeters.Scope.ALL);
    invalidateAll();
    hearing = true;
  }

  private void removeIf(Predicate<Grant> matches) {
    cache.asMap().values().removeIf(future -> !future.isDone() || future.isCompletedExceptionally()
        || future.join() != UNKNOWN && matches.test(future.join()));
  }
}
