package io.heartgate.heartbeat;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How many accepted heartbeats wait for the store, and how many bytes of request bodies they hold: the routes
 * reserve a place as they accept a heartbeat, and the writer gives it back once it has settled it (committed or
 * refused), so a store that hangs mid-commit cannot make the writer hold more than the bound. A full backlog is
 * refused on the router's event loop at once, without a hop to the writer. Shared by every router event loop and
 * the writer, so atomic; at the bounds, two loops racing may both be refused, never both let in.
 */
public final class HeartbeatBacklog {
  /**
   * Request bodies waiting at once, in bytes: typical heartbeats (about 1 KiB) reach the count limit first, but
   * 1 MiB bodies must not make a slow store cost gigabytes of memory.
   */
  static final long MAX_WAITING_BYTES = 64L * 1024 * 1024;
  private final int capacity;
  private final AtomicInteger waiting = new AtomicInteger();
  private final AtomicLong waitingBytes = new AtomicLong();

  /** @param capacity how many heartbeats may wait for the store at once */
  public HeartbeatBacklog(int capacity) {
    this.capacity = capacity;
  }

  /** Reserves a place for a heartbeat of this many body bytes; false when the backlog is full. */
  boolean tryReserve(int bodyBytes) {
    if (waiting.incrementAndGet() > capacity) {
      waiting.decrementAndGet();
      return false;
    }
    if (waitingBytes.addAndGet(bodyBytes) > MAX_WAITING_BYTES) {
      waitingBytes.addAndGet(-bodyBytes);
      waiting.decrementAndGet();
      return false;
    }
    return true;
  }

  void release(int bodyBytes) {
    waitingBytes.addAndGet(-bodyBytes);
    waiting.decrementAndGet();
  }

  int waiting() {
    return waiting.get();
  }

  long waitingBytes() {
    return waitingBytes.get();
  }
}
