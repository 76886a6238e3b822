package io.heartgate.store;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.unix.Errors;
import io.vertx.core.VertxException;
import java.net.SocketException;
import org.junit.jupiter.api.Test;

/** Which failures are the store's outage (503, retry) rather than a bug (500). */
class StoreOutageTest {
  /**
   * A probe stopped PostgreSQL under a storm of downloads: a few that were reading at that moment failed with the
   * connection's "Connection reset", and were answered 500.
   */
  @Test
  void aConnectionResetUnderAReadIsAnOutage() {
    assertTrue(StoreOutage.in(new SocketException("Connection reset")));
    assertTrue(StoreOutage.in(new VertxException(new SocketException("Broken pipe"))));
    // The same on the epoll transport (error -104: ECONNRESET), which had a PostgreSQL reset answered 500.
    assertTrue(StoreOutage.in(new Errors.NativeIoException("recvAddress(..)", -104)));
  }

  @Test
  void aBugIsNot() {
    assertFalse(StoreOutage.in(new IllegalStateException("a bug")));
    assertFalse(StoreOutage.in(new VertxException("something else")));
  }
}
