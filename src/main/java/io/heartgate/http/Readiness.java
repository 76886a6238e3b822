package io.heartgate.http;

import io.heartgate.store.Store;
import io.vertx.core.Future;
import java.util.concurrent.atomic.AtomicBoolean;

/** Whether this node should get traffic: the store answers and the node is not shutting down. */
public final class Readiness {
  private final Store store;
  private final AtomicBoolean draining = new AtomicBoolean();

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
    return store.ping();
  }
}
