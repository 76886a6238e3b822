package io.heartgate.testsupport;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback port nobody listens on right now, from a block of ports this test JVM alone hands out.
 *
 * <p>A port the kernel picks (bind to 0) is an ephemeral one: between this check and the node's own bind, any
 * outgoing connection of either test JVM (a client, a PostgreSQL connection) may be given it as its local port, and
 * the other JVM may be handed it too, and the node then fails to start. The blocks lie below the kernel's ephemeral
 * range (32768–60999 by default), one per surefire fork ({@code heartgate.test.fork}, set in {@code pom.xml}), and
 * each JVM walks its block in turn from a random start, so a port it handed out (one a test keeps closed on
 * purpose, say) comes round again only after the whole block.
 */
public final class FreePort {
  private static final int FIRST = 20_000;
  private static final int BLOCK = 2_000;
  private static final int BLOCKS = 5;
  private static final int START =
      FIRST + BLOCK * Math.floorMod(Integer.getInteger("heartgate.test.fork", 1) - 1, BLOCKS);
  private static final AtomicInteger NEXT = new AtomicInteger(ThreadLocalRandom.current().nextInt(BLOCK));

  private FreePort() {
  }

  public static int find() {
    for (int tried = 0; tried < BLOCK; tried++) {
      int port = START + Math.floorMod(NEXT.getAndIncrement(), BLOCK);
      if (free(port)) {
        return port;
      }
    }
    throw new IllegalStateException("no free port in " + START + "-" + (START + BLOCK - 1));
  }

  private static boolean free(int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(false);
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
