package io.heartgate.store;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.Tuple;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Tells the other nodes sharing one PostgreSQL about a change (NOTIFY) and hears theirs (LISTEN) on a connection of
 * its own, connecting again by itself whenever that connection is lost. On SQLite there is one node, so it does
 * nothing.
 *
 * <p>A connection that only listens could fall silent for good without anyone knowing (the server's host vanished,
 * a NAT or firewall on the way forgot it: no reset comes), and the node would go on believing that no other node
 * changed anything. So it is held to the store's socket timeout like the pool's connections ({@link SocketTimeout}),
 * and asks the server something every half of it, which a live server answers: a connection that stays silent is
 * closed, the feed connects again, and the listener starts from the store again, as after any reconnection. Its
 * connects are those of {@link Store#connectApart}, whose handshake is bounded: vertx-pg-client's own subscriber,
 * used before, opens its connections itself, and one whose handshake went unanswered left the node deaf for good.
 *
 * <p>Everything it does runs on the context {@link #listen} was called on (or made there), {@link #close} included.
 */
public final class ChangeFeed {
  private static final Logger LOG = Logger.getLogger(ChangeFeed.class.getName());
  private static final long RECONNECT_DELAY_MS = 500;
  /** While it cannot connect again, it says so at most this often (each failed attempt at FINE). */
  private static final long STILL_DOWN_EVERY_MS = 60_000;

  private final Vertx vertx;
  private final Context context;
  private final Store store;
  private final String channel;
  private final Consumer<String> onMessage;
  private final Runnable onSubscribed;
  private final Runnable onLost;
  /** The listening connection, or null while there is none. */
  private PgConnection listening;
  private long pingTimer = -1;
  private boolean subscribedBefore;
  /** When the listening connection was lost, and when that was last said in the log (System.nanoTime). */
  private long lostAt;
  private long saidAt;
  private boolean closing;

  private ChangeFeed(Vertx vertx, Store store, String channel, Consumer<String> onMessage, Runnable onSubscribed,
      Runnable onLost) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.store = store;
    this.channel = channel;
    this.onMessage = onMessage;
    this.onSubscribed = onSubscribed;
    this.onLost = onLost;
  }

  /**
   * Listens on a channel; fails when the first connection or its LISTEN does. {@code onSubscribed} runs after every
   * (re)connection, because notifications sent while the connection was down are lost and the listener must assume
   * it missed some (should it throw, that is logged, and the feed listens on). {@code onLost} runs as soon as the
   * listening connection is lost: until {@code onSubscribed} runs again, the listener hears nothing of other nodes.
   */
  public static Future<ChangeFeed> listen(Vertx vertx, Store store, String channel, Consumer<String> onMessage,
      Runnable onSubscribed, Runnable onLost) {
    ChangeFeed feed = new ChangeFeed(vertx, store, channel, onMessage, onSubscribed, onLost);
    if (store.dialect() == Dialect.SQLITE) {
      return Future.succeededFuture(feed);
    }
    Promise<Void> subscribed = Promise.promise();
    feed.context.runOnContext(ignored -> feed.subscribe().onComplete(subscribed));
    return subscribed.future().map(first -> {
      if (store.socketTimeoutMs() > 0) {
        feed.pingTimer = vertx.setPeriodic(store.socketTimeoutMs() / 2, ignored -> feed.ping());
      }
      return feed;
    });
  }

  /** Sends a change to every node listening on the channel, this one included. */
  public static Future<Void> notify(Store store, String channel, String payload) {
    if (store.dialect() != Dialect.POSTGRES) {
      return Future.succeededFuture();
    }
    return store.query("SELECT pg_notify($1, $2)", Tuple.of(channel, payload)).mapEmpty();
  }

  /** Connects and listens; a connection that does not come to listen is closed. */
  private Future<Void> subscribe() {
    return store.connectApart().compose(connection -> Future.<Void>succeededFuture()
        .compose(ignored -> listenOn(connection))
        .onFailure(e -> connection.close()));
  }

  /** Once the connection listens, hands its loss over to {@link #connectionLost}. */
  private Future<Void> listenOn(PgConnection connection) {
    SocketTimeout.install(connection, store.socketTimeoutMs());
    connection.notificationHandler(notification -> {
      if (channel.equals(notification.getChannel())) {
        onMessage.accept(notification.getPayload());
      }
    });
    return connection.query("LISTEN \"" + channel.replace("\"", "\"\"") + "\"").execute().map(listened -> {
      if (closing) {
        connection.close();
        return null;
      }
      listening = connection;
      connection.closeHandler(ignored -> connectionLost(connection));
      if (subscribedBefore) {
        LOG.info("change feed " + channel + " is listening again on a new connection, after "
            + (System.nanoTime() - lostAt) / 1_000_000 + " ms; what it may have missed meanwhile is read from the "
            + "store again");
      }
      subscribedBefore = true;
      try {
        onSubscribed.run();
      } catch (RuntimeException e) {
        LOG.log(Level.SEVERE, "change feed " + channel + ": its listener failed on subscribing", e);
      }
      return null;
    });
  }

  private void connectionLost(PgConnection connection) {
    if (listening == connection) {
      listening = null;
    }
    if (!closing) {
      lostAt = System.nanoTime();
      saidAt = lostAt;
      LOG.warning("change feed " + channel + " lost its connection; connecting again every " + RECONNECT_DELAY_MS
          + " ms");
      try {
        onLost.run();
      } catch (RuntimeException e) {
        LOG.log(Level.SEVERE, "change feed " + channel + ": its listener failed on the loss", e);
      }
      resubscribeLater();
    }
  }

  /** One attempt after the other, until one listens: each attempt's failure, and only that, schedules the next. */
  private void resubscribeLater() {
    vertx.setTimer(RECONNECT_DELAY_MS, ignored -> {
      if (!closing) {
        subscribe().onFailure(e -> {
          long now = System.nanoTime();
          String cause = Store.rootMessage(e);
          if (now - saidAt >= STILL_DOWN_EVERY_MS * 1_000_000) {
            saidAt = now;
            LOG.warning("change feed " + channel + " still cannot listen, " + (now - lostAt) / 1_000_000_000
                + " s after it lost its connection (trying again): " + cause);
          } else {
            LOG.fine("change feed " + channel + " cannot listen yet (trying again): " + cause);
          }
          resubscribeLater();
        });
      }
    });
  }

  /** Something for a live server to answer on the listening connection (what, and whether it fails, is no matter). */
  private void ping() {
    if (listening != null && !closing) {
      listening.query("SELECT 1").execute();
    }
  }

  public Future<Void> close() {
    Promise<Void> closed = Promise.promise();
    context.runOnContext(ignored -> {
      closing = true;
      if (pingTimer >= 0) {
        vertx.cancelTimer(pingTimer);
      }
      PgConnection connection = listening;
      listening = null;
      (connection == null ? Future.<Void>succeededFuture() : connection.close()).onComplete(closed);
    });
    return closed.future();
  }
}
