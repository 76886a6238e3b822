package io.heartgate.testsupport;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;

/** Calls made all at once, for races: each on its own thread, released together. */
public final class Concurrently {
  private Concurrently() {
  }

  /** Runs call(0) … call(count - 1) at once; their replies, in that order. */
  public static List<Reply> run(int count, IntFunction<Reply> call) throws Exception {
    ExecutorService threads = Executors.newFixedThreadPool(count);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<Reply>> pending = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        int n = i;
        pending.add(threads.submit(() -> {
          go.await();
          return call.apply(n);
        }));
      }
      go.countDown();
      List<Reply> replies = new ArrayList<>();
      for (Future<Reply> reply : pending) {
        replies.add(reply.get());
      }
      return replies;
    } finally {
      threads.shutdownNow();
    }
  }
}
