package io.heartgate.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.heartgate.core.Unavailable;
import io.heartgate.testsupport.Await;
import io.heartgate.testsupport.StoreKind;
import io.heartgate.testsupport.TestStores;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * How many runs may wait for an exclusive section. Today (a helper's probe): every one that came, each holding a
 * request of up to 1 MiB of TOML parsed; 200 clients saving configs of 900 KB from eight addresses halted a node of
 * 256 MiB in 16 s, with the store healthy.
 */
class ExclusiveSectionTest {
  @TempDir
  Path tempDir;
  @RegisterExtension
  final TestStores stores = new TestStores();

  @Test
  void runsBeyondTheWaitingBoundAre503AtOnceAndTheOthersRunInTurn() {
    Store store = stores.fresh(StoreKind.SQLITE, tempDir, 1);
    ExclusiveSection section = new ExclusiveSection(stores.vertx(), store, AdvisoryLock.GROUP_CONTENT,
        "Another change is being saved; try again");
    Promise<Void> release = Promise.promise();
    Promise<Void> started = Promise.promise();
    Future<Void> running = section.run(() -> {
      started.complete();
      return release.future();
    });
    // The lock is taken asynchronously: until then the first run counts as waiting too.
    Await.of(started.future());
    List<Future<Integer>> waiting = new ArrayList<>();
    for (int i = 0; i < ExclusiveSection.MAX_WAITING; i++) {
      int run = i;
      waiting.add(section.run(() -> Future.succeededFuture(run)));
    }
    Future<Integer> beyond = section.run(() -> Future.succeededFuture(-1));
    assertTrue(beyond.failed(), "refused at once, not after waiting its 10 s");
    Unavailable refused = assertInstanceOf(Unavailable.class, beyond.cause());
    assertEquals("Another change is being saved; try again", refused.getMessage());
    release.complete();
    Await.of(running);
    for (int i = 0; i < waiting.size(); i++) {
      assertEquals(i, Await.of(waiting.get(i)));
    }
  }
}
