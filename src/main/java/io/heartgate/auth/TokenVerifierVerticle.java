package io.heartgate.auth;

import com.github.benmanes.caffeine.cache.AsyncLoadingCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.heartgate.bus.Addresses;
import io.heartgate.store.ChangeFeed;
import io.heartgate.store.Store;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.logging.Logger;

/**
 * Answers {@code auth.verify} (a token hash in, the {@link Grant} out, or a 401 failure with the contract's
 * message) from a Caffeine cache in front of the store. Concurrent misses for one hash share one load; expiry
 * is checked on every hit; {@code auth.invalidate} and the PostgreSQL change feed drop entries before a
 * narrowed grant could be served. Unknown hashes are remembered only briefly.
 */
public final class TokenVerifierVerticle extends VerticleBase {
  static final String INVALID_TOKEN = "Invalid token";
  static final String TOKEN_EXPIRED = "Token expired";
  /** A safety net only: every narrowing change invalidates explicitly. */
  private static final Duration GRANT_TTL = Duration.ofMinutes(10);
  private static final Duration UNKNOWN_TTL = Duration.ofSeconds(2);
  private static final long LAST_USED_FLUSH_MS = 60_000;
  private static final Logger LOG = Logger.getLogger(TokenVerifierVerticle.class.getName());

  private static final String GRANT_BY_HASH = "SELECT t.id, t.user_id, u.username, u.role, t.permissions, "
      + "t.expires_at FROM tokens t JOIN users u ON u.id = t.user_id "
      + "WHERE t.token_hash = $1 AND t.state = 'active' AND u.status = 'active'";
  private static final String TOUCH = "UPDATE tokens SET last_used_at = $2 WHERE id = $1 "
      + "AND (last_used_at IS NULL OR last_used_at < $2)";

  private final Store store;
  private final AsyncLoadingCache<String, Optional<Grant>> cache;
  /** Token id → when it was last used since the previous flush; written in one batch a minute. */
  private final Map<String, Long> usedSinceFlush = new ConcurrentHashMap<>();
  private long flushTimer;
  private ChangeFeed feed;

  public TokenVerifierVerticle(Store store) {
    this.store = store;
    this.cache = Caffeine.newBuilder()
        // Maintenance runs on the thread that touched the cache (this verticle's event loop) instead of waking a
        // ForkJoinPool thread after every few hundred hits; loads complete on Vert.x anyway.
        .executor(Runnable::run)
        .maximumSize(1_000_000)
        .expireAfter(Expiry.creating((String hash, Optional<Grant> grant) ->
            grant.isPresent() ? GRANT_TTL : UNKNOWN_TTL))
        .buildAsync((hash, executor) -> load(hash));
  }

  @Override
  public Future<?> start() {
    var verify = vertx.eventBus().<String>consumer(Addresses.AUTH_VERIFY, this::verify);
    var invalidate = vertx.eventBus().<Invalidation>consumer(Addresses.AUTH_INVALIDATE, message -> {
      apply(message.body());
      message.reply(null);
    });
    flushTimer = vertx.setPeriodic(LAST_USED_FLUSH_MS, ignored -> flushLastUsed());
    return Future.all(verify.completion(), invalidate.completion())
        .compose(ignored -> ChangeFeed.listen(vertx, store, AuthChanges.CHANNEL,
            payload -> apply(Invalidation.decode(payload)),
            // After a reconnection notifications may have been missed: start from the store again.
            () -> cache.synchronous().invalidateAll()))
        .onSuccess(started -> feed = started);
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(flushTimer);
    return flushLastUsed().eventually(() -> feed == null ? Future.succeededFuture() : feed.close());
  }

  private void verify(Message<String> request) {
    cache.get(request.body()).whenComplete((grant, failure) -> {
      if (failure != null) {
        request.fail(503, "The store is unavailable; try again later");
      } else if (grant.isEmpty()) {
        request.fail(401, INVALID_TOKEN);
      } else if (grant.get().expiredAt(System.currentTimeMillis())) {
        request.fail(401, TOKEN_EXPIRED);
      } else {
        usedSinceFlush.put(grant.get().tokenId(), System.currentTimeMillis());
        request.reply(grant.get());
      }
    });
  }

  private CompletableFuture<Optional<Grant>> load(String tokenHash) {
    return store.query(GRANT_BY_HASH, Tuple.of(tokenHash))
        .map(rows -> rows.size() == 0 ? Optional.<Grant>empty() : Optional.of(toGrant(rows.iterator().next())))
        .toCompletionStage().toCompletableFuture();
  }

  private static Grant toGrant(Row row) {
    Role role = Role.of(row.getString("role"));
    Set<String> effective = Permissions.intersect(Permissions.decode(row.getString("permissions")),
        role.permissions());
    return new Grant(row.getString("id"), row.getString("user_id"), row.getString("username"),
        role.wireName(), effective, row.getLong("expires_at"));
  }

  /** Drops matching entries, including loads still in flight, which might carry the old grant. */
  private void apply(Invalidation invalidation) {
    switch (invalidation.scope()) {
      case TOKEN_HASH -> cache.synchronous().invalidate(invalidation.value());
      case TOKEN_ID -> removeIf(grant -> grant.tokenId().equals(invalidation.value()));
      case USER_ID -> removeIf(grant -> grant.userId().equals(invalidation.value()));
      case ALL -> cache.synchronous().invalidateAll();
    }
  }

  private void removeIf(Predicate<Grant> matches) {
    cache.asMap().values().removeIf(future -> !future.isDone() || future.isCompletedExceptionally()
        || future.join().map(matches::test).orElse(false));
  }

  private Future<Void> flushLastUsed() {
    if (usedSinceFlush.isEmpty()) {
      return Future.succeededFuture();
    }
    List<Tuple> rows = new ArrayList<>();
    for (String tokenId : List.copyOf(usedSinceFlush.keySet())) {
      Long usedAt = usedSinceFlush.remove(tokenId);
      if (usedAt != null) {
        rows.add(Tuple.of(tokenId, usedAt));
      }
    }
    return store.inTransaction(connection -> store.batch(connection, TOUCH, rows))
        .<Void>mapEmpty()
        .onFailure(e -> LOG.warning("could not record lastUsedAt of " + rows.size() + " tokens: " + e.getMessage()));
  }
}
