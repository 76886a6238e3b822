package io.heartgate.store;

import io.vertx.core.VertxException;
import io.vertx.core.http.ConnectionPoolTooBusyException;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import java.net.ConnectException;
import java.net.SocketException;
import java.util.concurrent.TimeoutException;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * Recognises a failure that says the store is out of reach or overloaded right now (down, restarting, its connection
 * reset or silent past the socket timeout, every connection busy past the wait or too many waiting for one, a read
 * not answered in time, SQLite's file locked), as opposed to a bug: the client is asked to retry (503) instead of
 * being told the gateway broke (500). The one place that knows the drivers' ways of saying so.
 */
public final class StoreOutage {
  /**
   * And this, when a statement is given a connection that has just closed: the pool learns of the close a moment
   * after the statements that were on the connection failed.
   */
  private static final String CONNECTION_CLOSED = "Connection is not active now";

  private StoreOutage() {
  }

  public static boolean in(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
      if (cause instanceof StoreUnavailableException || cause instanceof ClosedConnectionException
          || cause instanceof ConnectException || cause instanceof SocketException
          // The epoll transport's form of a SocketException ("Connection reset by peer"): not one itself.
          || cause instanceof io.netty.channel.unix.Errors.NativeIoException
          || cause instanceof TimeoutException
          || cause instanceof io.netty.channel.ConnectTimeoutException
          || cause instanceof io.netty.handler.timeout.ReadTimeoutException
          || cause instanceof VertxException && String.valueOf(cause.getMessage()).startsWith(CONNECTION_CLOSED)
          || cause instanceof ConnectionPoolTooBusyException
          || cause instanceof PgException pg && unavailable(pg)
          || cause instanceof SQLiteException sqlite && busy(sqlite)) {
        return true;
      }
    }
    return false;
  }

  /**
   * PostgreSQL refusing for now: a connection exception (class 08), shutting down or starting up (57P01–57P03), or
   * every connection slot taken (53300).
   */
  private static boolean unavailable(PgException pg) {
    String state = pg.getSqlState();
    return state != null && (state.startsWith("08") || state.equals("57P01") || state.equals("57P02")
        || state.equals("57P03") || state.equals("53300"));
  }

  private static boolean busy(SQLiteException sqlite) {
    SQLiteErrorCode code = sqlite.getResultCode();
    return code == SQLiteErrorCode.SQLITE_BUSY || code.name().startsWith("SQLITE_BUSY_")
        || code == SQLiteErrorCode.SQLITE_LOCKED;
  }
}
