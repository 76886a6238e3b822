package io.heartgate.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * One upload sent piece by piece over a plain socket, so a test can hold a request half-sent. What the server
 * answers is read on a thread of its own from the start: an answer sent (and the connection reset) before the body
 * is complete is not lost.
 */
public final class SlowUpload implements AutoCloseable {
  private final Socket socket;
  private final ByteArrayOutputStream received = new ByteArrayOutputStream();
  private volatile boolean closed;

  private SlowUpload(Socket socket) {
    this.socket = socket;
    Thread reader = new Thread(this::readAll, "slow-upload-reader");
    reader.setDaemon(true);
    reader.start();
  }

  /** Connects to the loopback port and sends the request head (the text up to and including the blank line). */
  public static SlowUpload start(int port, String head) {
    return startFrom("127.0.0.1", port, head);
  }

  /** As {@link #start}, from another loopback address (127.0.0.2 …): another client to the server. */
  public static SlowUpload startFrom(String localAddress, int port, String head) {
    try {
      SlowUpload upload = new SlowUpload(new Socket(InetAddress.getLoopbackAddress(), port,
          InetAddress.getByName(localAddress), 0));
      upload.send(head.getBytes(StandardCharsets.US_ASCII));
      return upload;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Sends more of the body; false when the server no longer takes it (it closed or reset the connection). */
  public boolean send(byte[] bytes) {
    try {
      socket.getOutputStream().write(bytes);
      socket.getOutputStream().flush();
      return true;
    } catch (IOException closedByServer) {
      return false;
    }
  }

  /** Whether an answer's head has arrived or the server closed. */
  public boolean answered() {
    return closed || text().contains("\r\n\r\n");
  }

  /** Waits until an answer's head has arrived or the server closed; fails when neither happens in time. */
  public RawHttp.Answer answer(Duration timeout) {
    Poll.until(timeout, "an answer or a close", this::answered);
    String text = text();
    int status = text.matches("(?s)HTTP/1\\.[01] \\d{3}.*") ? Integer.parseInt(text.substring(9, 12)) : 0;
    return new RawHttp.Answer(status, text, closed);
  }

  private String text() {
    synchronized (received) {
      return received.toString(StandardCharsets.ISO_8859_1);
    }
  }

  private void readAll() {
    byte[] chunk = new byte[8192];
    try (InputStream in = socket.getInputStream()) {
      for (int n = in.read(chunk); n >= 0; n = in.read(chunk)) {
        synchronized (received) {
          received.write(chunk, 0, n);
        }
      }
    } catch (IOException resetOrClosedByUs) {
      // either way nothing more will come
    } finally {
      closed = true;
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
