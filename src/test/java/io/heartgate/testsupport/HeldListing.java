package io.heartgate.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A listing larger than the kernel holds for a client that does not read, and such a client: what holds a gateway in
 * the middle of writing a listing, and tells when it is held.
 */
public final class HeldListing {
  /** The configs' listing: 2,000 configs of 4,000 characters of description, about 9 MB. */
  public static final String PATH = "/api/configs";
  public static final int CONFIGS = 2_000;

  private HeldListing() {
  }

  /** Stores the configs whose listing holds a gateway. */
  public static void store(TestGateway gateway, Credentials owner) {
    for (int i = 0; i < CONFIGS; i++) {
      assertEquals(201, gateway.post(PATH, owner, new JsonObject().put("name", "config " + i)
          .put("description", "d".repeat(4_000)).put("toml", "[agent]\n")).status());
    }
  }

  /** A connection that has asked for the listing with the token and reads only what the test reads of it. */
  public static Socket ask(TestGateway gateway, String token) throws IOException {
    Socket socket = new Socket();
    socket.setReceiveBufferSize(4096);
    socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), gateway.apiPort()));
    socket.getOutputStream().write(("GET " + PATH + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + token
        + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    return socket;
  }

  /** Whether the gateway waits to write more than a megabyte to this connection: it is held. */
  public static boolean held(TestGateway gateway, Socket socket) {
    return sendQueue(gateway.apiPort(), socket.getLocalPort()) > 1_000_000;
  }

  /**
   * The bytes the node's side of a loopback connection has not sent yet, from /proc/net/tcp and tcp6 (Linux; a
   * listener on every address takes IPv4 connections as IPv6 ones).
   */
  private static long sendQueue(int serverPort, int clientPort) {
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
