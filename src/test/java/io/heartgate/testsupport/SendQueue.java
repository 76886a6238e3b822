package io.heartgate.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** How much a gateway waits to write to a client that does not read: what tells a test the gateway is held. */
public final class SendQueue {
  private SendQueue() {
  }

  /**
   * The bytes the node's side of a loopback connection has not sent yet, from /proc/net/tcp and tcp6 (Linux; a
   * listener on every address takes IPv4 connections as IPv6 ones).
   */
  public static long of(int serverPort, int clientPort) {
    String local = String.format(":%04X", serverPort);
    String remote = String.format(":%04X", clientPort);
    for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      List<String> connections;
      try {
        connections = Files.readAllLines(Path.of(table));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      for (String line : connections) {
        String[] fields = line.trim().split("\\s+");
        if (fields.length > 4 && fields[1].endsWith(local) && fields[2].endsWith(remote)) {
          return Long.parseLong(fields[4].split(":")[0], 16);
        }
      }
    }
    return 0;
  }
}
