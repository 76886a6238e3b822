package io.heartgate.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.heartgate.core.Unavailable;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Places shared between holders: one holder uses at most half of them while it uses some, and has at most a tenth of
 * the waiting requests. Today (a helper's probe): one client asking for listings and reading them slowly held every
 * place until the idle timeout, and every other listing of the node waited 10 s for a 503.
 */
class InFlightLimitTest {
  private final Vertx vertx = Vertx.vertx();
  private final Context context = vertx.getOrCreateContext();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  /** Runs on the limit's event loop, after everything it was asked to run before. */
  private <T> T onContext(Supplier<T> action) throws Exception {
    CompletableFuture<T> result = new CompletableFuture<>();
    context.runOnContext(ignored -> result.complete(action.get()));
    return result.get(5, TimeUnit.SECONDS);
  }

  private Future<Void> enter(InFlightLimit limit, String holder, int places) throws Exception {
    return onContext(() -> limit.enter(holder, places));
  }

  private void leave(InFlightLimit limit, String holder, int places) throws Exception {
    onContext(() -> {
      limit.leave(holder, places);
      return null;
    });
  }

  private boolean admitted(Future<Void> entry) throws Exception {
    return onContext(entry::succeeded);
  }

  @Test
  void aHolderBeyondItsShareWaitsWithoutHoldingBackAnother() throws Exception {
    InFlightLimit limit = new InFlightLimit(4, 100, "busy");
    assertTrue(admitted(enter(limit, "reader", 1)));
    assertTrue(admitted(enter(limit, "reader", 1)));
    Future<Void> third = enter(limit, "reader", 1);
    assertFalse(admitted(third), "half of the places is the reader's share");
    assertTrue(admitted(enter(limit, "other", 1)), "another holder is not held back by the reader's waiting request");
    leave(limit, "reader", 1);
    assertTrue(admitted(third), "its turn once one of its own is done");
  }

  @Test
  void aHolderHasAtMostATenthOfTheWaitingRequests() throws Exception {
    InFlightLimit limit = new InFlightLimit(2, 20, "busy");
    assertTrue(admitted(enter(limit, "reader", 1)));
    assertFalse(admitted(enter(limit, "reader", 1)));
    assertFalse(admitted(enter(limit, "reader", 1)));
    Future<Void> refused = enter(limit, "reader", 1);
    assertTrue(onContext(refused::failed), "a third waiting request of the reader");
    assertTrue(refused.cause() instanceof Unavailable, String.valueOf(refused.cause()));
    assertTrue(admitted(enter(limit, "other", 1)));
  }

  @Test
  void aRequestWaitingForRoomHoldsBackThoseBehindIt() throws Exception {
    InFlightLimit limit = new InFlightLimit(4, 100, "busy");
    assertTrue(admitted(enter(limit, "first", 2)));
    assertTrue(admitted(enter(limit, "second", 1)));
    Future<Void> large = enter(limit, "large", 2);
    Future<Void> small = enter(limit, "small", 1);
    assertFalse(admitted(large));
    assertFalse(admitted(small), "the room left is the waiting large request's, first come first served");
    leave(limit, "first", 2);
    leave(limit, "second", 1);
    assertTrue(admitted(large));
    assertTrue(admitted(small));
    assertEquals(true, admitted(enter(limit, "small", 1)), "its share: two of four places");
  }
}
