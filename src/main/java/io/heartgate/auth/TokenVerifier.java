package io.heartgate.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.heartgate.bus.Addresses;
import io.heartgate.metrics.TokenCacheMeters;
import io.heartgate.store.ChangeFeed;
import io.heartgate.store.Dialect;
import io.heartgate.store.Store;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import java.time.Clock;
import java.time.Duration;
import java.util.Collections;
import java.util.SortedMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;

/**
 * The token verifier: owns the Caffeine cache of grants in front of a {@link GrantSource}. Answers
 * {@code auth.verify} (a token hash in, the {@link Grant} out, or a 401 failure with the contract's message);
 * routers read usable hits through {@link #usable} without a hop. Concurrent misses for one hash share one load;
 * expiry is checked against the clock on every hit; invalidations, local ({@code auth.invalidate}) or from other
 * nodes (the PostgreSQL change feed), drop entries before a narrowed grant could be served. Unknown hashes are
 * remembered only briefly. When tokens were last used is written back in batches, off the request path.
 */
public final class TokenVerifier extends VerticleBase implements CachedGrants {
  /**
   * How often the tokens' last use is written. A flush leaves the store to the heartbeats between two chunks for
   * as long as the chunk took, so it takes at most half of the store's time (at a million agents a flush is
   * seconds of SQLite's only writer, and heartbeats fell behind while it held it); flushing every 30 s keeps
   * {@code lastUsedAt} within the contract's minute as long as a flush's work fits in 15 s.
   */
  private static final long LAST_USED_FLUSH_MS = 30_000;
  /** How long a change announced here is expected back on the change feed (NOTIFY reaches its sender too). */
  private static final Duration ECHO_WINDOW = Duration.ofMinutes(1);
  private static final Logger LOG = Logger.getLogger(TokenVerifier.class.getName());

  private final GrantSource source;
  private final GrantCache grants;
  private final Store store;
  private final Clock clock;
  private long flushTimer;
  /** The flush under way (a completed Future when none): the next waits for it, and so does stopping. */
  private Future<Void> flushing = Future.succeededFuture();
  /** Like {@link #flushing}, read and written on this verticle's event loop only (the flush's callbacks run there). */
  private boolean stopping;
  /**
   * The uses a failed write could not record, tried again with the next (chunks it wrote are written again,
   * harmlessly: a recorded time never moves back). At most one entry per token. On this event loop only.
   */
  private SortedMap<String, Long> unwritten = Collections.emptySortedMap();
  private ChangeFeed feed;
  private final AtomicBoolean subscribed = new AtomicBoolean();
  /**
   * Invalidations announced on this node that it will hear again on the change feed, and how many times: only
   * for counting, so the meters tell this node's changes from other nodes'. An echo that never comes expires.
   */
  private final Cache<String, Integer> echoes = Caffeine.newBuilder()
      .executor(Runnable::run)
      .maximumSize(10_000)
      .expireAfterWrite(ECHO_WINDOW)
      .build();

  /**
   * @param store whose change feed carries the invalidations of other nodes
   * @param meters counts the cache's hits, misses and invalidations
   */
  public TokenVerifier(GrantSource source, Store store, Clock clock, TokenCacheMeters meters) {
    this.source = source;
    this.grants = new GrantCache(source, meters);
    this.store = store;
    this.clock = clock;
  }

  @Override
  public Grant usable(String tokenHash) {
    return grants.usableNow(tokenHash, clock.millis());
  }

  @Override
  public Future<?> start() {
    var verify = vertx.eventBus().<String>consumer(Addresses.AUTH_VERIFY, this::verify);
    var invalidate = vertx.eventBus().<Invalidation>consumer(Addresses.AUTH_INVALIDATE, message -> {
      if (store.dialect() == Dialect.POSTGRES) {
        echoes.asMap().merge(message.body().encode(), 1, Integer::sum);
      }
      grants.apply(message.body(), TokenCacheMeters.Origin.LOCAL);
      message.reply(null);
    });
    flushTimer = vertx.setPeriodic(LAST_USED_FLUSH_MS, ignored -> {
      if (flushing.isComplete()) {
        flushing = flushLastUsed();
      }
    });
    return Future.all(verify.completion(), invalidate.completion())
        .compose(ignored -> ChangeFeed.listen(vertx, store, AuthChanges.CHANNEL,
            this::heard,
            // After a reconnection notifications may have been missed: start from the store again. (The first
            // subscription finds the cache as good as empty: nothing to count.)
            () -> {
              if (subscribed.getAndSet(true)) {
                grants.resync();
              } else {
                grants.invalidateAll();
              }
            },
            // Deaf to the other nodes' changes: the store's answer rules over the cache until it listens again.
            grants::deaf))
        .onSuccess(started -> feed = started);
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(flushTimer);
    stopping = true;
    return flushing.transform(ignored -> flushLastUsed())
        .eventually(() -> feed == null ? Future.succeededFuture() : feed.close());
  }

  /** An invalidation on the change feed: another node's, or this node's own coming back (applied again, harmless). */
  private void heard(String payload) {
    boolean[] echo = {false};
    echoes.asMap().computeIfPresent(payload, (ignored, times) -> {
      echo[0] = true;
      return times > 1 ? times - 1 : null;
    });
    grants.apply(Invalidation.decode(payload), echo[0] ? null : TokenCacheMeters.Origin.REMOTE);
  }

  private void verify(Message<String> request) {
    grants.get(request.body()).whenComplete((grant, failure) -> {
      long now = clock.millis();
      if (failure != null) {
        request.fail(503, "The store is unavailable; try again later");
      } else if (grant.isEmpty()) {
        request.fail(401, Refusals.INVALID_TOKEN);
      } else if (grant.get().expiredAt(now)) {
        request.fail(401, Refusals.TOKEN_EXPIRED);
      } else {
        grants.recordUse(grant.get(), now);
        request.reply(grant.get());
      }
    });
  }

  /**
   * Takes the uses on a worker: at a million agents a flush holds 150,000 of them, and taking and sorting them on
   * this event loop, which also serves heartbeats, stalled them for up to a second every 30 s.
   */
  private Future<Void> flushLastUsed() {
    SortedMap<String, Long> retried = unwritten;
    unwritten = Collections.emptySortedMap();
    return vertx.executeBlocking(() -> {
      SortedMap<String, Long> uses = grants.takeUses();
      retried.forEach((tokenId, usedAt) -> uses.merge(tokenId, usedAt, Math::max));
      return uses;
    }, false).compose(uses -> uses.isEmpty()
        ? Future.succeededFuture()
        : source.recordLastUse(uses, this::restBetweenChunks).onFailure(e -> {
          unwritten = uses;
          LOG.warning("could not record lastUsedAt of " + uses.size() + " tokens (the next write tries them "
              + "again): " + e.getMessage());
        }));
  }

  /** Writes the uses now, after the write under way if any (for tests; the timer skips a tick instead). */
  Future<Void> flushNow() {
    Promise<Void> flushed = Promise.promise();
    context.runOnContext(ignored -> {
      flushing = flushing.transform(previous -> flushLastUsed());
      flushing.onComplete(flushed);
    });
    return flushed.future();
  }

  /** As long as the chunk took; not at all once the node is stopping, so that it stops without delay. */
  private Future<Void> restBetweenChunks(long chunkMs) {
    return stopping ? Future.succeededFuture() : vertx.timer(Math.max(1, chunkMs)).mapEmpty();
  }
}
