package io.heartgate.store;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ConnectTimeoutException;
import io.netty.util.concurrent.ScheduledFuture;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.internal.VertxWrapper;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.ClientSSLOptions;
import io.vertx.core.net.ConnectOptions;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.SocketAddress;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.impl.PgConnectionFactory;
import io.vertx.pgclient.spi.PgDriver;
import io.vertx.sqlclient.ClientBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.internal.Connection;
import io.vertx.sqlclient.spi.ConnectionFactory;
import java.util.concurrent.TimeUnit;

/**
 * Bounds a PostgreSQL connect's startup handshake (SSL request, startup message, authentication, up to the server's
 * ReadyForQuery): a server, or a path to it, that accepts the TCP connection and then answers nothing, with no reset,
 * would otherwise hold one of the pool's places forever, or whatever waits for a connection apart from the pool.
 * vertx-pg-client 5.0.10 has no timer of its own past the TCP connect ({@code NetClientOptions.setConnectTimeout}),
 * its pool's wait timeout fails the waiter but not the connect, and an idle timeout of Vert.x's closes through the
 * driver, which answers with Terminate and waits for the server to close (as {@link SocketTimeout} says). So a Netty
 * handler is put first in each connect's pipeline as soon as TCP connected, and closes the socket itself, past the
 * driver, when the handshake is not done in time; the driver then fails the connect. After a TLS upgrade Vert.x puts
 * its own handlers before it, and the close passes TLS's, which says goodbye first (bounded by Netty, 3 s). With
 * {@code sslmode=prefer} or {@code allow} the driver tries once more without or with TLS, so the bound is twice this.
 *
 * <p>Reaches into Vert.x and the driver: connections come from the driver's own {@code PgConnectionFactory}, given a
 * Vert.x ({@code VertxWrapper}, Vert.x's integrator API) whose NetClients arm the timer on each socket
 * ({@code NetSocketInternal}'s pipeline); the factory drops it once its connect completed ({@code doConnectInternal},
 * {@code SocketConnectionBase.socket()}). The pool's come through a {@code PgDriver} (public SPI) making such a
 * factory; those apart from the pool (the change feed's too) from one such factory per store
 * ({@link Store#connectApart}). The tests of this package prove it on each upgrade, without TLS.
 */
final class HandshakeTimeout {
  private static final String NAME = "heartgate-handshake-timeout";

  private HandshakeTimeout() {
  }

  /** A builder of PostgreSQL pools whose connects are closed when their handshake takes longer than timeoutMs. */
  static ClientBuilder<Pool> pool(long timeoutMs) {
    return ClientBuilder.pool(new PgDriver() {
      @Override
      public ConnectionFactory<PgConnectOptions> createConnectionFactory(Vertx vertx, NetClientOptions options) {
        return connections(vertx, options, timeoutMs);
      }
    });
  }

  /**
   * Makes PostgreSQL connections whose connects are closed when their handshake takes longer than timeoutMs: the
   * pool's, and those a node opens apart from it ({@link ConnectionFactory#connect}); closing it closes its client.
   */
  static ConnectionFactory<PgConnectOptions> connections(Vertx vertx, NetClientOptions options, long timeoutMs) {
    return new PgConnectionFactory(new Watched((VertxInternal) vertx, timeoutMs), options) {
      @Override
      protected Future<Connection> doConnectInternal(PgConnectOptions connect, ContextInternal context) {
        // Handshake done (the server sent ReadyForQuery): the timer is dropped.
        return super.doConnectInternal(connect, context).andThen(connected -> {
          if (connected.succeeded()) {
            ChannelPipeline pipeline = SocketTimeout.pipeline(connected.result());
            if (pipeline.get(NAME) != null) {
              pipeline.remove(NAME);
            }
          }
        });
      }
    };
  }

  /** The Vert.x the driver's connection factory is given: its NetClients arm the timer on every socket. */
  private static final class Watched extends VertxWrapper {
    private final long timeoutMs;

    Watched(VertxInternal delegate, long timeoutMs) {
      super(delegate);
      this.timeoutMs = timeoutMs;
    }

    @Override
    public NetClient createNetClient(NetClientOptions options) {
      return new WatchedClient(super.createNetClient(options), timeoutMs);
    }
  }

  private record WatchedClient(NetClient client, long timeoutMs) implements NetClient {
    private Future<NetSocket> armed(Future<NetSocket> connected) {
      return connected.map(socket -> {
        ChannelPipeline pipeline = ((NetSocketInternal) socket).channelHandlerContext().pipeline();
        pipeline.addFirst(NAME, new Deadline(timeoutMs));
        return socket;
      });
    }

    @Override
    public Future<NetSocket> connect(int port, String host) {
      return armed(client.connect(port, host));
    }

    @Override
    public Future<NetSocket> connect(int port, String host, String serverName) {
      return armed(client.connect(port, host, serverName));
    }

    @Override
    public Future<NetSocket> connect(SocketAddress remoteAddress) {
      return armed(client.connect(remoteAddress));
    }

    @Override
    public Future<NetSocket> connect(SocketAddress remoteAddress, String serverName) {
      return armed(client.connect(remoteAddress, serverName));
    }

    @Override
    public Future<NetSocket> connect(ConnectOptions connectOptions) {
      return armed(client.connect(connectOptions));
    }

    @Override
    public Future<Void> close() {
      return client.close();
    }

    @Override
    public Future<Void> shutdown(long timeout, TimeUnit unit) {
      return client.shutdown(timeout, unit);
    }

    @Override
    public Future<Boolean> updateSSLOptions(ClientSSLOptions options, boolean force) {
      return client.updateSSLOptions(options, force);
    }

    @Override
    public boolean isMetricsEnabled() {
      return client.isMetricsEnabled();
    }
  }

  /** First in the pipeline: a close from it reaches the socket (through TLS's handlers only), not the driver. */
  private static final class Deadline extends ChannelInboundHandlerAdapter {
    private final long timeoutMs;
    private ScheduledFuture<?> timer;

    Deadline(long timeoutMs) {
      this.timeoutMs = timeoutMs;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
      timer = ctx.executor().schedule(() -> expire(ctx), timeoutMs, TimeUnit.MILLISECONDS);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
      timer.cancel(false);
    }

    private void expire(ChannelHandlerContext ctx) {
      // Removed off the channel's thread, a handler leaves the pipeline at once but is told later (isRemoved).
      if (ctx.isRemoved() || ctx.pipeline().context(this) == null || !ctx.channel().isActive()) {
        return;
      }
      // The driver fails the connect with this (an outage to StoreOutage), then the socket is closed.
      ctx.fireExceptionCaught(new ConnectTimeoutException("PostgreSQL did not finish the startup handshake within "
          + timeoutMs + " ms"));
      ctx.close();
    }
  }
}
