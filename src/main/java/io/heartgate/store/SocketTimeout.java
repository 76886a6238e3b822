package io.heartgate.store;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.timeout.ReadTimeoutException;
import io.netty.util.AttributeKey;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.impl.SocketConnectionBase;
import io.vertx.sqlclient.internal.Connection;
import io.vertx.sqlclient.internal.SqlConnectionInternal;
import io.vertx.sqlclient.internal.command.CommandBase;
import io.vertx.sqlclient.internal.command.CommandResponse;
import java.util.concurrent.TimeUnit;

/**
 * Closes a PostgreSQL connection that waits for the server's answer and gets no byte of it for a while, failing
 * what waited on it: a server whose host vanished, or a NAT or firewall on the way that forgot the connection, sends
 * no reset, and a statement would wait until TCP gives up (about 15 minutes). A connection that waits for nothing
 * (idle in the pool, or listening) is left alone, however long.
 *
 * <p>Neither the driver nor Vert.x does it: vertx-pg-client 5.0.10 answers any close of its connection (Vert.x's
 * own idle timeout included) by sending the server its goodbye and waiting for the server to close, which a silent
 * server never does; and an idle timeout would close idle connections too, and fail a statement sent just before it
 * fired. So two small Netty handlers watch each connection: one between the driver's codec and Vert.x counts the
 * commands sent and the answers decoded, one nearest the socket notes every byte read and closes the socket itself,
 * past the driver. This reaches into the driver's internals ({@code SocketConnectionBase}, its commands); the tests
 * of this package prove it on each upgrade.
 */
final class SocketTimeout {
  private static final String COMMANDS = "heartgate-awaited-answers";
  private static final String BYTES = "heartgate-bytes-read";
  /** Where vertx-core puts the connection's own handler, after the driver's codec. */
  private static final String VERTX_HANDLER = "handler";
  private static final AttributeKey<Watch> WATCH = AttributeKey.valueOf("heartgate-socket-timeout");

  private SocketTimeout() {
  }

  /** From now on the connection is closed once it waited that long for an answer without a byte read (0: never). */
  static void install(SqlConnection connection, long timeoutMs) {
    if (timeoutMs <= 0) {
      return;
    }
    ChannelPipeline pipeline = pipeline(connection);
    if (pipeline.get(COMMANDS) == null) {
      Watch watch = new Watch(TimeUnit.MILLISECONDS.toNanos(timeoutMs));
      pipeline.channel().attr(WATCH).set(watch);
      pipeline.addFirst(BYTES, watch.bytes);
      pipeline.addBefore(VERTX_HANDLER, COMMANDS, watch.commands);
    }
  }

  /**
   * Until called again, the connection may also wait that much longer for an answer (0: no more than the timeout):
   * for a statement the server answers late by design, such as a wait for a lock bounded by {@code lock_timeout}.
   */
  static void allowSilence(SqlConnection connection, long moreMs) {
    Watch watch = pipeline(connection).channel().attr(WATCH).get();
    if (watch != null) {
      watch.moreNanos = TimeUnit.MILLISECONDS.toNanos(moreMs);
    }
  }

  private static ChannelPipeline pipeline(SqlConnection connection) {
    return pipeline(((SqlConnectionInternal) connection).unwrap());
  }

  /** The Netty pipeline of the driver's connection (see the class comment: the driver's internals). */
  static ChannelPipeline pipeline(Connection connection) {
    Connection conn = connection;
    while (conn.unwrap() != conn) {
      conn = conn.unwrap();
    }
    return ((SocketConnectionBase) conn).socket().channelHandlerContext().pipeline();
  }

  /** The state of one connection, touched on its event loop only (but for {@link #moreNanos}). */
  private static final class Watch {
    private final long timeoutNanos;
    /** Set by {@link #allowSilence} from any thread. */
    private volatile long moreNanos;
    /** Commands sent whose answer has not been decoded yet. */
    private int awaited;
    /** When a byte was last read, or the first command was sent while none was awaited (System.nanoTime). */
    private long quietSince;
    private boolean checking;
    /** The context nearest the socket: a close from it reaches the socket without passing the driver. */
    private ChannelHandlerContext socketSide;

    Watch(long timeoutNanos) {
      this.timeoutNanos = timeoutNanos;
    }

    final ChannelInboundHandlerAdapter bytes = new ChannelInboundHandlerAdapter() {
      @Override
      public void handlerAdded(ChannelHandlerContext ctx) {
        socketSide = ctx;
      }

      @Override
      public void channelRead(ChannelHandlerContext ctx, Object msg) {
        quietSince = System.nanoTime();
        ctx.fireChannelRead(msg);
      }
    };

    final ChannelDuplexHandler commands = new ChannelDuplexHandler() {
      @Override
      public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof CommandBase<?> && awaited++ == 0) {
          quietSince = System.nanoTime();
          checkIn(timeoutNanos);
        }
        ctx.write(msg, promise);
      }

      @Override
      public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof CommandResponse<?> && awaited > 0) {
          awaited--;
        }
        ctx.fireChannelRead(msg);
      }
    };

    private void checkIn(long delayNanos) {
      if (!checking && socketSide != null) {
        checking = true;
        socketSide.executor().schedule(this::check, delayNanos, TimeUnit.NANOSECONDS);
      }
    }

    private void check() {
      checking = false;
      if (awaited == 0 || !socketSide.channel().isActive()) {
        return;
      }
      long quiet = System.nanoTime() - quietSince;
      long allowed = timeoutNanos + moreNanos;
      if (quiet < allowed) {
        // No later than the timeout: what is allowed may shrink back meanwhile.
        checkIn(Math.min(allowed - quiet, timeoutNanos));
        return;
      }
      // The driver fails what waited with this (an outage to StoreOutage), then the socket is closed.
      socketSide.fireExceptionCaught(ReadTimeoutException.INSTANCE);
      socketSide.close();
    }
  }
}
