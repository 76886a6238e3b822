package io.heartgate.testsupport;

import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.function.IntSupplier;
import java.util.stream.Collectors;

/** Many requests sent at once, each from a thread (and so on a connection) of its own. */
public final class AtOnce {
  private AtOnce() {
  }

  /** Sends n requests at once; how many got each status (0: no answer, the connection failed). */
  public static Map<Integer, Long> statuses(int n, IntSupplier request) throws InterruptedException {
    ExecutorService clients = Executors.newFixedThreadPool(n);
    try {
      CountDownLatch ready = new CountDownLatch(n);
      List<Future<Integer>> statuses = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        statuses.add(clients.submit(() -> {
          ready.countDown();
          ready.await();
          try {
            return request.getAsInt();
          } catch (UncheckedIOException noAnswer) {
            return 0;
          }
        }));
      }
      List<Integer> all = new ArrayList<>();
      for (Future<Integer> status : statuses) {
        try {
          all.add(status.get());
        } catch (ExecutionException e) {
          throw new IllegalStateException(e.getCause());
        }
      }
      return all.stream().collect(Collectors.groupingBy(Function.identity(), TreeMap::new, Collectors.counting()));
    } finally {
      clients.shutdownNow();
    }
  }
}
