package io.heartgate.testsupport;

import io.heartgate.settings.DatabaseUrl;
import io.heartgate.store.Migrations;
import io.heartgate.store.Store;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Stores a test opens directly (no gateway), on a Vert.x of their own. Register it as an instance field with
 * {@code @RegisterExtension}: after each test it closes every store still open, then its Vert.x.
 */
public final class TestStores implements AfterEachCallback {
  private final Vertx vertx = Vertx.vertx();
  private final List<Store> opened = new ArrayList<>();

  public Vertx vertx() {
    return vertx;
  }

  /** The store at url with that many connections, closed after the test. */
  public Store open(DatabaseUrl url, int connections) {
    return open(url, connections, 0);
  }

  /** The same, PostgreSQL's connections held to that socket timeout (0: none). */
  public Store open(DatabaseUrl url, int connections, int socketTimeoutSeconds) {
    Store store = Await.of(Store.open(vertx, url, connections, socketTimeoutSeconds));
    opened.add(store);
    return store;
  }

  /** A fresh, empty store of that kind: no schema yet. */
  public Store fresh(StoreKind kind, Path tempDir, int connections) {
    return open(kind.freshStore(tempDir), connections);
  }

  /** A fresh store of that kind with every migration of this release applied. */
  public Store migrated(StoreKind kind, Path tempDir, int connections) {
    Store store = fresh(kind, tempDir, connections);
    Await.of(Migrations.apply(store, Clock.systemUTC()));
    return store;
  }

  /** Closes the store now, before the test ends (to open its database again, or to serve it). */
  public void close(Store store) {
    opened.remove(store);
    Await.of(store.close());
  }

  @Override
  public void afterEach(ExtensionContext context) {
    try {
      List.copyOf(opened).forEach(this::close);
    } finally {
      Await.of(vertx.close());
    }
  }
}
