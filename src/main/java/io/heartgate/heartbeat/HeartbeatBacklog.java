package io.heartgate.heartbeat;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How many accepted heartbeats wait for the store, and how many bytes they hold (their bodies, parsed, and what a
 * waiting request and the writer's entry keep besides, estimated): the routes
 * reserve a place as they accept a heartbeat, and the writer gives it back once it has settled it (committed or
 * refused), so a store that hangs mid-commit cannot make the writer hold more than the bound. A full backlog is
 * refused on the router's event loop at once, without a hop to the writer. Shared by every router event loop and
 * the writer, so atomic; at the bounds, two loops racing may both be refused, never both let in.
 */
public final class HeartbeatBacklog {
  /**
   * The most bytes waiting at once, on a heap of 512 MiB or more (a quarter of a smaller heap): 1 MiB bodies must
   * not make a slow store cost gigabytes, nor 50,000 small ones halt a heap of 256 MiB.
   */
  static final long MAX_WAITING_BYTES = 128L * 1024 * 1024;
  /**
   * What a waiting heartbeat holds besides its body, estimated: the objects of its connection, its request and
   * routing context (kept until it is answered, even when the agent has gone), its parsed fields and the writer's
   * entry. Measured while a store stood still: 14 KB a heartbeat of 1.2 KB, 10,400 of them.
   */
  static final int PER_HEARTBEAT_BYTES = 12 * 1024;
  private final int capacity;
  private final long maxBytes;
  private final AtomicInteger waiting = new AtomicInteger();
  private final AtomicLong waitingBytes = new AtomicLong();

  /**
   * @param capacity how many heartbeats may wait for the store at once
   * @param maxHeapBytes the heap the bound on bytes is a share of (Runtime.maxMemory())
   */
  public HeartbeatBacklog(int capacity, long maxHeapBytes) {
    this.capacity = capacity;
    this.maxBytes = Math.min(MAX_WAITING_BYTES, maxHeapBytes / 4);
  }

  /** Reserves a place for a heartbeat of this many body bytes; false when the backlog is full. */
  boolean tryReserve(int bodyBytes) {
    if (waiting.incrementAndGet() > capacity) {
      waiting.decrementAndGet();
      return false;
    }
    long weight = weight(bodyBytes);
    if (waitingBytes.addAndGet(weight) > maxBytes) {
      waitingBytes.addAndGet(-weight);
      waiting.decrementAndGet();
      return false;
    }
    return true;
  }

  void release(int bodyBytes) {
    waitingBytes.addAndGet(-weight(bodyBytes));
    waiting.decrementAndGet();
  }

  private static long weight(int bodyBytes) {
    return (long) bodyBytes + PER_HEARTBEAT_BYTES;
  }

  int waiting() {
    return waiting.get();
  }

  /** How many heartbeats may wait at once. */
  int capacity() {
    return capacity;
  }

  long waitingBytes() {
    return waitingBytes.get();
  }
}
