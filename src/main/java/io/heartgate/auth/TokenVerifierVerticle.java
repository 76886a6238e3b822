package io.heartgate.auth;

import io.heartgate.bus.Addresses;
import io.heartgate.store.ChangeFeed;
import io.heartgate.store.Store;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Logger;

/**
 * Answers {@code auth.verify} (a token hash in, the {@link Grant} out, or a 401 failure with the contract's
 * message) from the {@link GrantCache} in front of the store, which routers also read for hits. Concurrent misses for one hash share one load; expiry
 * is checked on every hit; {@code auth.invalidate} and the PostgreSQL change feed drop entries before a
 * narrowed grant could be served. Unknown hashes are remembered only briefly.
 */
public final class TokenVerifierVerticle extends VerticleBase {
  static final String INVALID_TOKEN = "Invalid token";
  static final String TOKEN_EXPIRED = "Token expired";
  private static final long LAST_USED_FLUSH_MS = 60_000;
  private static final Logger LOG = Logger.getLogger(TokenVerifierVerticle.class.getName());

  private static final String GRANT_BY_HASH = "SELECT t.id, t.user_id, u.username, u.role, t.permissions, "
      + "t.expires_at FROM tokens t JOIN users u ON u.id = t.user_id "
      + "WHERE t.token_hash = $1 AND t.state = 'active' AND u.status = 'active'";
  private static final String TOUCH = "UPDATE tokens SET last_used_at = $2 WHERE id = $1 "
      + "AND (last_used_at IS NULL OR last_used_at < $2)";

  private final Store store;
  private final GrantCache grants;
  private long flushTimer;
  private ChangeFeed feed;

  /** @param grants the cache this verifier fills and invalidates; routers read its hits directly */
  public TokenVerifierVerticle(Store store, GrantCache grants) {
    this.store = store;
    this.grants = grants;
  }

  /** The cache a verifier over this store uses: grants are loaded from the tokens and users tables. */
  public static GrantCache grantCache(Store store) {
    return new GrantCache(hash -> store.query(GRANT_BY_HASH, Tuple.of(hash))
        .map(rows -> rows.size() == 0 ? Optional.<Grant>empty() : Optional.of(toGrant(rows.iterator().next())))
        .toCompletionStage().toCompletableFuture());
  }

  @Override
  public Future<?> start() {
    var verify = vertx.eventBus().<String>consumer(Addresses.AUTH_VERIFY, this::verify);
    var invalidate = vertx.eventBus().<Invalidation>consumer(Addresses.AUTH_INVALIDATE, message -> {
      grants.apply(message.body());
      message.reply(null);
    });
    flushTimer = vertx.setPeriodic(LAST_USED_FLUSH_MS, ignored -> flushLastUsed());
    return Future.all(verify.completion(), invalidate.completion())
        .compose(ignored -> ChangeFeed.listen(vertx, store, AuthChanges.CHANNEL,
            payload -> grants.apply(Invalidation.decode(payload)),
            // After a reconnection notifications may have been missed: start from the store again.
            grants::invalidateAll))
        .onSuccess(started -> feed = started);
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(flushTimer);
    return flushLastUsed().eventually(() -> feed == null ? Future.succeededFuture() : feed.close());
  }

  private void verify(Message<String> request) {
    grants.get(request.body()).whenComplete((grant, failure) -> {
      long now = System.currentTimeMillis();
      if (failure != null) {
        request.fail(503, "The store is unavailable; try again later");
      } else if (grant.isEmpty()) {
        request.fail(401, INVALID_TOKEN);
      } else if (grant.get().expiredAt(now)) {
        request.fail(401, TOKEN_EXPIRED);
      } else {
        grants.recordUse(grant.get(), now);
        request.reply(grant.get());
      }
    });
  }

  private static Grant toGrant(Row row) {
    Role role = Role.of(row.getString("role"));
    Set<String> effective = Permissions.intersect(Permissions.decode(row.getString("permissions")),
        role.permissions());
    return new Grant(row.getString("id"), row.getString("user_id"), row.getString("username"),
        role.wireName(), effective, row.getLong("expires_at"));
  }

  private Future<Void> flushLastUsed() {
    Map<String, Long> uses = grants.takeUses();
    if (uses.isEmpty()) {
      return Future.succeededFuture();
    }
    List<Tuple> rows = new ArrayList<>(uses.size());
    uses.forEach((tokenId, usedAt) -> rows.add(Tuple.of(tokenId, usedAt)));
    return store.inTransaction(tx -> tx.batch(TOUCH, rows))
        .<Void>mapEmpty()
        .onFailure(e -> LOG.warning("could not record lastUsedAt of " + rows.size() + " tokens: " + e.getMessage()));
  }
}
