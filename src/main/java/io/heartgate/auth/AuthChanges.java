package io.heartgate.auth;

import io.heartgate.bus.Addresses;
import io.heartgate.store.ChangeFeed;
import io.heartgate.store.Store;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.logging.Logger;

/**
 * Announces a change that may narrow grants, as a typed {@link Invalidation}: a request to this node's one
 * verifier, whose reply means it has dropped what it cached (so the Future completes, and the HTTP response that
 * made the change goes out, after that); then other nodes on the same PostgreSQL hear of it through the change feed.
 */
public final class AuthChanges {
  static final String CHANNEL = "heartgate_auth";
  private static final Logger LOG = Logger.getLogger(AuthChanges.class.getName());

  private final Vertx vertx;
  private final Store store;

  public AuthChanges(Vertx vertx, Store store) {
    this.vertx = vertx;
    this.store = store;
  }

  public Future<Void> announce(Invalidation invalidation) {
    return vertx.eventBus().request(Addresses.AUTH_INVALIDATE, invalidation)
        .compose(ignored -> ChangeFeed.notify(store, CHANNEL, invalidation.encode())
            .recover(e -> {
              // The change is committed; other nodes still drop it when their cached grant expires.
              LOG.warning("could not tell other nodes of " + invalidation.encode() + ": " + e.getMessage());
              return Future.succeededFuture();
            }));
  }
}
