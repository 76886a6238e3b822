package io.heartgate.http;

import io.heartgate.store.Store;
import io.vertx.core.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Logger;

/**
 * Whether this node should get traffic: the store answers and the node is not shutting down. The reason given is
 * for anyone (the health routes need no credentials): why the store does not answer, which names its address, is
 * logged instead, once each time it changes.
 */
public final class Readiness {
  private static final Logger LOG = Logger.getLogger(Readiness.class.getName());
  private final Store store;
  private final AtomicBoolean draining = new AtomicBoolean();
  private final AtomicReference<String> lastLogged = new AtomicReference<>();

  public Readiness(Store store) {
    this.store = store;
  }

  /** From now on the node reports not ready, so load balancers move traffic away while it drains. */
  public void startDraining() {
    draining.set(true);
  }

  /** Succeeds when ready; fails with the reason otherwise. */
  public Future<Void> check() {
    if (draining.get()) {
      return Future.failedFuture("shutting down");
    }
    return store.ping()
        .onSuccess(ignored -> lastLogged.set(null))
        .recover(failure -> {
          String why = String.valueOf(failure.getMessage());
          if (!why.equals(lastLogged.getAndSet(why))) {
            LOG.warning("not ready: " + why);
          }
          return Future.failedFuture("the store does not answer");
        });
  }
}
