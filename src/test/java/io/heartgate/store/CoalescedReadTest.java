package io.heartgate.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Reads shared only by requests that arrived before they started: a request never joins a read in flight, waits
 * for the next one, and that one answers every request that arrived meanwhile.
 */
class CoalescedReadTest {
  /** Reads the test completes by hand, numbered in the order they started. */
  private final List<Promise<String>> started = new ArrayList<>();
  private final List<String> keys = new ArrayList<>();
  private final CoalescedRead<String, String> reads = new CoalescedRead<>(key -> {
    Promise<String> read = Promise.promise();
    synchronized (started) {
      started.add(read);
      keys.add(key);
    }
    return read.future();
  });

  private int startedCount() {
    synchronized (started) {
      return started.size();
    }
  }

  private Promise<String> read(int n) {
    synchronized (started) {
      return started.get(n);
    }
  }

  @Test
  void aRequestArrivingWhileAReadIsInFlightWaitsForTheNextReadWhichAnswersAllThatWaited() {
    Future<String> first = reads.get("config");
    assertEquals(1, startedCount());

    List<Future<String>> arrivedDuring = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      arrivedDuring.add(reads.get("config"));
    }
    assertEquals(1, startedCount(), "no read starts while one is in flight");

    started.get(0).complete("before the change");
    assertEquals("before the change", first.result());
    for (Future<String> request : arrivedDuring) {
      assertFalse(request.isComplete(), "the read in flight started before these requests: it cannot answer them");
    }
    assertEquals(2, startedCount(), "the next read starts as soon as the one in flight ends");

    Future<String> arrivedDuringSecond = reads.get("config");
    started.get(1).complete("after the change");
    for (Future<String> request : arrivedDuring) {
      assertEquals("after the change", request.result(), "one read answers all that waited for it");
    }
    assertFalse(arrivedDuringSecond.isComplete());
    assertEquals(3, startedCount());
    started.get(2).complete("latest");
    assertEquals("latest", arrivedDuringSecond.result());

    assertEquals(3, startedCount(), "nobody waits: no read");
    Future<String> later = reads.get("config");
    assertEquals(4, startedCount(), "a request arriving when none is in flight starts one at once");
    started.get(3).complete("again");
    assertEquals("again", later.result());
  }

  @Test
  void keysAreReadApartAndAFailedReadFailsExactlyTheRequestsItAnswers() {
    Future<String> a = reads.get("a");
    Future<String> b = reads.get("b");
    assertEquals(List.of("a", "b"), keys, "another key does not wait");
    Future<String> nextA = reads.get("a");

    IllegalStateException outage = new IllegalStateException("store down");
    started.get(0).fail(outage);
    assertSame(outage, a.cause());
    assertFalse(nextA.isComplete(), "the next read may succeed");
    started.get(2).complete("recovered");
    assertEquals("recovered", nextA.result());
    started.get(1).complete("b");
    assertEquals("b", b.result());
  }

  @Test
  void aReadThatThrowsFailsItsRequestsAndTheNextReadStillRuns() {
    CoalescedRead<String, String> throwing = new CoalescedRead<>(key -> {
      throw new IllegalArgumentException("bad key " + key);
    });
    assertEquals("bad key x", throwing.get("x").cause().getMessage());
    assertEquals("bad key x", throwing.get("x").cause().getMessage(), "nothing stays in flight");
  }

  @Test
  void eachRequestIsAnsweredOnItsOwnEventLoop() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      int loops = 4;
      List<CompletableFuture<Boolean>> onOwnContext = new ArrayList<>();
      for (int i = 0; i < loops; i++) {
        CompletableFuture<Boolean> answered = new CompletableFuture<>();
        onOwnContext.add(answered);
        var context = vertx.getOrCreateContext();
        context.runOnContext(ignored -> reads.get("config")
            .onComplete(result -> answered.complete(Vertx.currentContext() == context)));
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (startedCount() < 1 && System.nanoTime() < deadline) {
        Thread.onSpinWait();
      }
      // Complete reads from this (non-Vert.x) thread until every request is answered.
      for (int round = 0; !onOwnContext.stream().allMatch(CompletableFuture::isDone); round++) {
        assertTrue(System.nanoTime() < deadline, "answered within 10 s");
        if (round < startedCount()) {
          read(round).complete("value");
        } else {
          Thread.onSpinWait();
          round--;
        }
      }
      for (CompletableFuture<Boolean> answered : onOwnContext) {
        assertTrue(answered.get(), "answered on the context that asked");
      }
      assertTrue(startedCount() <= loops);
    } finally {
      vertx.close().await();
    }
  }
}
