package io.heartgate.testsupport;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Many uploads at once on loopback, all driven by one thread over non-blocking sockets: each connection sends the
 * same request (head and body) as fast as the server reads it, and ends as soon as a status line comes back, the
 * server closes or resets, or the deadline passes. Reading goes on while writing, so an answer sent before the
 * body is complete is seen. Every connection is closed when the flood returns: the clients leave.
 */
public final class UploadFlood {
  /** How one connection ended: an answer's status, closed by the server, refused, or still waiting (hung). */
  public record Ending(String kind, int status) {
    public static final Ending CLOSED = new Ending("closed", 0);
    public static final Ending REFUSED = new Ending("refused", 0);
    public static final Ending HUNG = new Ending("hung", 0);

    static Ending answered(int status) {
      return new Ending("answered", status);
    }

    @Override
    public String toString() {
      return kind.equals("answered") ? String.valueOf(status) : kind;
    }
  }

  /** "HTTP/1.1 401": enough of the answer to know its status. */
  private static final int STATUS_LINE_PREFIX = 12;

  private UploadFlood() {
  }

  /** Opens {@code connections} connections to the loopback port and sends each the request; one ending each. */
  public static List<Ending> run(int port, int connections, byte[] request, Duration limit) throws IOException {
    long deadline = System.nanoTime() + limit.toNanos();
    List<Upload> uploads = new ArrayList<>();
    try (Selector selector = Selector.open()) {
      for (int i = 0; i < connections; i++) {
        SocketChannel channel = SocketChannel.open();
        Upload upload = new Upload(channel, ByteBuffer.wrap(request));
        uploads.add(upload);
        channel.configureBlocking(false);
        try {
          channel.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
          channel.register(selector, SelectionKey.OP_CONNECT, upload);
        } catch (IOException refused) {
          upload.end(Ending.REFUSED);
        }
      }
      long open = uploads.stream().filter(u -> u.ending == null).count();
      while (open > 0) {
        long left = (deadline - System.nanoTime()) / 1_000_000;
        if (left <= 0) {
          break;
        }
        selector.select(left);
        for (SelectionKey key : selector.selectedKeys()) {
          Upload upload = (Upload) key.attachment();
          upload.step(key);
          if (upload.ending != null) {
            open--;
          }
        }
        selector.selectedKeys().clear();
      }
    } finally {
      for (Upload upload : uploads) {
        upload.end(Ending.HUNG);
      }
    }
    return uploads.stream().map(u -> u.ending).toList();
  }

  /** Counts of each ending, for assertion messages: {401=140, closed=10}. */
  public static Map<String, Long> summary(List<Ending> endings) {
    Map<String, Long> counts = new TreeMap<>();
    endings.forEach(e -> counts.merge(e.toString(), 1L, Long::sum));
    return counts;
  }

  /** One connection: what is left to send, what came back so far, how it ended. */
  private static final class Upload {
    private final SocketChannel channel;
    private final ByteBuffer toSend;
    private final ByteBuffer received = ByteBuffer.allocate(STATUS_LINE_PREFIX);
    private Ending ending;

    Upload(SocketChannel channel, ByteBuffer toSend) {
      this.channel = channel;
      this.toSend = toSend;
    }

    void step(SelectionKey key) {
      try {
        if (key.isConnectable()) {
          channel.finishConnect();
          key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
          return;
        }
        if (key.isReadable() && read()) {
          return;
        }
        if (key.isWritable()) {
          channel.write(toSend);
          if (!toSend.hasRemaining()) {
            key.interestOps(SelectionKey.OP_READ);
          }
        }
      } catch (IOException closedOrReset) {
        end(key.isConnectable() ? Ending.REFUSED : Ending.CLOSED);
      }
    }

    /** Reads what arrived; true when the connection has ended. */
    private boolean read() throws IOException {
      if (channel.read(received) < 0) {
        end(Ending.CLOSED);
        return true;
      }
      if (received.hasRemaining()) {
        return false;
      }
      String head = new String(received.array(), StandardCharsets.US_ASCII);
      end(Ending.answered(head.matches("HTTP/1\\.[01] \\d{3}") ? Integer.parseInt(head.substring(9)) : -1));
      return true;
    }

    /** Records the first ending only, and closes the connection. */
    void end(Ending how) {
      if (ending == null) {
        ending = how;
      }
      try {
        channel.close();
      } catch (IOException ignored) {
        // closing a socket the server already reset
      }
    }
  }
}
