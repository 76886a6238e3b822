package io.heartgate.http;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.heartgate.testsupport.Poll;
import io.heartgate.testsupport.StoreKind;
import io.heartgate.testsupport.TestGateway;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Connections stay within bounds: per client address, in total, and in how long a client may take to send a
 * request's headers. A client past a bound is closed without harming anybody else.
 */
class ConnectionLimitsTest {
  @TempDir
  Path tempDir;

  @Test
  void connectionsBeyondTheCapsAreClosedAndTheOthersKeepWorking() throws Exception {
    try (TestGateway gateway = TestGateway.start(StoreKind.SQLITE.freshStore(tempDir),
        "--max-connections-per-address", "3", "--max-connections", "5");
        Connections connections = new Connections(gateway.apiPort())) {
      for (int i = 0; i < 3; i++) {
        assertTrue(admitted(connections.openFrom("127.0.0.1")), "within the address's cap");
      }
      Socket fourth = connections.openFrom("127.0.0.1");
      assertTrue(isClosedByServer(fourth), "a fourth connection from one address is closed");
      assertTrue(admitted(connections.openFrom("127.0.0.2")), "another address is not held back");
      assertTrue(answers(connections.openFrom("127.0.0.2")), "the fifth connection of the node works");
      assertTrue(isClosedByServer(connections.openFrom("127.0.0.3")), "a sixth connection to the node is closed");
      assertTrue(answers(connections.first()), "the admitted ones still work");
    }
  }

  @Test
  void slowAndSilentClientsAreClosedAfterTheHeaderTimeout() throws Exception {
    try (TestGateway gateway = TestGateway.start(StoreKind.SQLITE.freshStore(tempDir),
        "--request-header-timeout", "1");
        Connections connections = new Connections(gateway.apiPort())) {
      Socket silent = connections.openFrom("127.0.0.1");
      Socket partial = connections.openFrom("127.0.0.1");
      partial.getOutputStream().write("GET /health/live HTTP/1.1\r\nHost: local".getBytes(StandardCharsets.US_ASCII));
      Socket answered = connections.openFrom("127.0.0.1");
      assertTrue(answers(answered), "a complete request is answered");
      Socket trickle = connections.openFrom("127.0.0.1");
      byte[] request = "GET /health/live HTTP/1.1\r\nHost: localhost\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII);
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      int sent = 0;
      while (!isClosedWithin(trickle, 300) && System.nanoTime() < deadline) {
        trickle.getOutputStream().write(request[sent++ % request.length]);
      }
      assertTrue(System.nanoTime() < deadline, "a client sending a byte every 300 ms is closed");
      for (Socket socket : List.of(silent, partial, answered)) {
        Poll.until(Duration.ofSeconds(10), "closed after the header timeout", () -> isClosedWithin(socket, 200));
      }
    }
  }

  // Today: a connection stayed open as long after its answer as a new one has to send its first headers (10 s).
  // Telegraf keeps its connection and sends again a minute later, so every agent held one for 10 s of each
  // minute: a node taking 5,000 heartbeats a second from agents of their own held 50,000 connections, five
  // times MAX_CONNECTIONS, at about 9 KiB of heap each.
  @Test
  void aConnectionIdleAfterItsAnswerIsClosedSoonerThanANewOneWaitsForHeaders() throws Exception {
    try (TestGateway gateway = TestGateway.start(StoreKind.SQLITE.freshStore(tempDir),
        "--request-header-timeout", "20", "--keep-alive", "1");
        Connections connections = new Connections(gateway.apiPort())) {
      Socket fresh = connections.openFrom("127.0.0.1");
      Socket answered = connections.openFrom("127.0.0.1");
      assertTrue(answers(answered), "a complete request is answered");
      Poll.until(Duration.ofSeconds(10), "closed once idle after its answer", () -> isClosedWithin(answered, 200));
      assertFalse(isClosedWithin(fresh, 200), "a new connection still has its 20 s to send headers");
    }
  }

  private static boolean answers(Socket socket) throws IOException {
    socket.getOutputStream().write("GET /health/live HTTP/1.1\r\nHost: localhost\r\n\r\n"
        .getBytes(StandardCharsets.US_ASCII));
    socket.setSoTimeout(5_000);
    byte[] head = new byte[12];
    int read = socket.getInputStream().readNBytes(head, 0, head.length);
    return read == 12 && new String(head, StandardCharsets.US_ASCII).equals("HTTP/1.1 200");
  }

  /** Still open half a second after connecting: the server kept it. */
  private static boolean admitted(Socket socket) {
    return !isClosedWithin(socket, 500);
  }

  private static boolean isClosedByServer(Socket socket) {
    return isClosedWithin(socket, 5_000);
  }

  /** Whether the server closed the connection (end of stream or reset) within the time; false when it stays open. */
  private static boolean isClosedWithin(Socket socket, int millis) {
    try {
      socket.setSoTimeout(millis);
      InputStream in = socket.getInputStream();
      return in.read() < 0;
    } catch (SocketTimeoutException stillOpen) {
      return false;
    } catch (IOException reset) {
      return true;
    }
  }

  /** Sockets from chosen loopback addresses, all closed at the end. */
  private static final class Connections implements AutoCloseable {
    private final int port;
    private final List<Socket> sockets = new ArrayList<>();

    Connections(int port) {
      this.port = port;
    }

    Socket openFrom(String localAddress) {
      try {
        Socket socket = new Socket();
        sockets.add(socket);
        socket.bind(new InetSocketAddress(InetAddress.getByName(localAddress), 0));
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
        return socket;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    Socket first() {
      return sockets.get(0);
    }

    @Override
    public void close() throws IOException {
      for (Socket socket : sockets) {
        socket.close();
      }
    }
  }
}
