package io.heartgate.store;

import io.netty.handler.timeout.ReadTimeoutHandler;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.impl.SocketConnectionBase;
import io.vertx.sqlclient.internal.Connection;
import io.vertx.sqlclient.internal.SqlConnectionInternal;
import java.util.concurrent.TimeUnit;

/**
 * Closes a PostgreSQL connection on which nothing was read for a while, failing what waited on it: a server whose
 * host vanished, or a NAT or firewall on the way that forgot the connection, sends no reset, and a statement would
 * wait until TCP gives up (about 15 minutes).
 *
 * <p>Neither the driver nor Vert.x does it: vertx-pg-client 5.0.10 answers any close of its connection (Vert.x's
 * own idle timeout included) by sending the server its goodbye and waiting for the server to close, which a silent
 * server never does, so the connection and everything queued on it stay. Hence Netty's read timeout, put first in
 * the connection's pipeline (nearest the socket), where its close reaches the socket without passing the driver.
 * This reaches into the driver's internals ({@code SocketConnectionBase}); the tests of this package prove it on
 * each upgrade.
 */
final class SocketTimeout {
  private static final String NAME = "heartgate-socket-timeout";

  private SocketTimeout() {
  }

  /** From now on the connection is closed once nothing was read from it for that long. */
  static void install(SqlConnection connection, long timeoutMs) {
    Connection conn = ((SqlConnectionInternal) connection).unwrap();
    while (conn.unwrap() != conn) {
      conn = conn.unwrap();
    }
    var pipeline = ((SocketConnectionBase) conn).socket().channelHandlerContext().pipeline();
    if (pipeline.get(NAME) == null) {
      pipeline.addFirst(NAME, new ReadTimeoutHandler(timeoutMs, TimeUnit.MILLISECONDS));
    }
  }
}
