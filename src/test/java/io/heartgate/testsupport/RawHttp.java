package io.heartgate.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Speaks HTTP/1.1 byte for byte over a plain socket, for requests no well-behaved client would send (no Host, two
 * framings, broken escapes). Reads the answer until the server closes the connection or goes quiet.
 */
public final class RawHttp {
  private RawHttp() {
  }

  /** What came back: the status (0 when nothing did), the whole text, and whether the server closed. */
  public record Answer(int status, String text, boolean closed) {
    public String header(String name) {
      for (String line : text.split("\r\n")) {
        if (line.isEmpty()) {
          break;
        }
        int colon = line.indexOf(':');
        if (colon > 0 && line.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals(name.toLowerCase(Locale.ROOT))) {
          return line.substring(colon + 1).trim();
        }
      }
      return null;
    }

    public String body() {
      int end = text.indexOf("\r\n\r\n");
      return end < 0 ? "" : text.substring(end + 4);
    }
  }

  /** Sends the bytes as they are and reads for at most {@code quietMillis} after the last byte received. */
  public static Answer exchange(int port, String request, int quietMillis) {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      socket.setSoTimeout(quietMillis);
      socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      socket.getOutputStream().flush();
      ByteArrayOutputStream received = new ByteArrayOutputStream();
      boolean closed = false;
      InputStream in = socket.getInputStream();
      byte[] chunk = new byte[8192];
      try {
        while (true) {
          int n = in.read(chunk);
          if (n < 0) {
            closed = true;
            break;
          }
          received.write(chunk, 0, n);
        }
      } catch (SocketTimeoutException quiet) {
        // the server keeps the connection open and has nothing more to say
      } catch (IOException reset) {
        closed = true;
      }
      String text = received.toString(StandardCharsets.ISO_8859_1);
      int status = text.startsWith("HTTP/1.") && text.length() >= 12 ? Integer.parseInt(text.substring(9, 12)) : 0;
      return new Answer(status, text, closed);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
