package io.heartgate.testsupport;

import io.heartgate.settings.DatabaseUrl;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy on a free loopback port in front of a server, whose connections can be made to fall silent: what either
 * side sends is dropped and nothing is closed, as when a server's host vanishes or a NAT or firewall on the way
 * forgets the connection, with no reset to tell either end. Connections made afterwards are forwarded again (the
 * server came back elsewhere, the path was mended). Plain threads, nothing shared with the gateway's Vert.x.
 */
public final class SilentProxy implements AutoCloseable {
  private final ServerSocket listener;
  private final String targetHost;
  private final int targetPort;
  private final List<Link> links = new CopyOnWriteArrayList<>();
  /** Connections accepted while new ones are held: open, read from and never answered, never closed by the proxy. */
  private final List<Socket> held = new CopyOnWriteArrayList<>();
  private volatile boolean holdNew;
  private final AtomicInteger ended = new AtomicInteger();

  private SilentProxy(String targetHost, int targetPort) throws IOException {
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.targetHost = targetHost;
    this.targetPort = targetPort;
    Thread acceptor = new Thread(this::accept, "silent-proxy-" + listener.getLocalPort());
    acceptor.setDaemon(true);
    acceptor.start();
  }

  public static SilentProxy to(String host, int port) {
    try {
      return new SilentProxy(host, port);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public int port() {
    return listener.getLocalPort();
  }

  /** The PostgreSQL store at url, reached through this proxy (which must be in front of its server). */
  public DatabaseUrl.Postgres inFrontOf(DatabaseUrl.Postgres url) {
    return new DatabaseUrl.Postgres("127.0.0.1", port(), url.database(), url.user(), url.password(), url.sslMode());
  }

  /** Every connection open now falls silent for good; later ones are forwarded. */
  public void silence() {
    links.forEach(link -> link.silent = true);
  }

  /**
   * From now on, until {@link #forwardNew}, every new connection is accepted but silent: what the client sends is read
   * and dropped, nothing reaches the server, nothing comes back, and nothing is closed (a server that accepts TCP
   * but never answers the startup handshake, or a path to it that forgets the connection right after).
   */
  public void holdNew() {
    holdNew = true;
  }

  /** New connections are forwarded again (those held stay held). */
  public void forwardNew() {
    holdNew = false;
  }

  /** How many connections were accepted and held so far. */
  public int heldCount() {
    return held.size();
  }

  /** How many of the held connections the client ended (its FIN read), by closing or shutting down its output. */
  public int heldEnded() {
    return ended.get();
  }

  private void hold(Socket client) {
    held.add(client);
    Thread drain = new Thread(() -> {
      byte[] buffer = new byte[16 * 1024];
      try {
        InputStream in = client.getInputStream();
        while (in.read(buffer) >= 0) {
          // Dropped.
        }
        ended.incrementAndGet();
      } catch (IOException e) {
        ended.incrementAndGet();  // reset by the client
      }
      // Nothing is closed: a silent peer does not answer a goodbye either.
    }, "silent-proxy-held");
    drain.setDaemon(true);
    drain.start();
  }

  private void accept() {
    while (!listener.isClosed()) {
      Socket client;
      try {
        client = listener.accept();
      } catch (IOException e) {
        return;  // closed
      }
      if (holdNew) {
        hold(client);
        continue;
      }
      try {
        Socket server = new Socket(targetHost, targetPort);
        Link link = new Link(client, server);
        links.add(link);
        pump(link, client, server);
        pump(link, server, client);
      } catch (IOException e) {
        try {
          client.close();  // the server refused this one: so does the proxy
        } catch (IOException ignored) {
          // Nothing to do.
        }
      }
    }
  }

  private static void pump(Link link, Socket from, Socket to) throws IOException {
    InputStream in = from.getInputStream();
    OutputStream out = to.getOutputStream();
    Thread pump = new Thread(() -> {
      byte[] buffer = new byte[16 * 1024];
      try {
        for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
          if (!link.silent) {
            out.write(buffer, 0, n);
            out.flush();
          }
        }
      } catch (IOException e) {
        // One side closed: close the other below.
      }
      if (!link.silent) {
        link.close();
      }
    }, "silent-proxy-pump");
    pump.setDaemon(true);
    pump.start();
  }

  @Override
  public void close() {
    try {
      listener.close();
    } catch (IOException e) {
      // Nothing to do.
    }
    links.forEach(Link::close);
    held.forEach(socket -> {
      try {
        socket.close();
      } catch (IOException e) {
        // Nothing to do.
      }
    });
  }

  /** Both sockets of one proxied connection. */
  private static final class Link {
    private final Socket client;
    private final Socket server;
    private volatile boolean silent;

    Link(Socket client, Socket server) {
      this.client = client;
      this.server = server;
    }

    void close() {
      try {
        client.close();
      } catch (IOException e) {
        // Nothing to do.
      }
      try {
        server.close();
      } catch (IOException e) {
        // Nothing to do.
      }
    }
  }
}
