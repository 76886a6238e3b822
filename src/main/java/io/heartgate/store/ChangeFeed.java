package io.heartgate.store;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnection;
import io.vertx.pgclient.pubsub.PgSubscriber;
import io.vertx.sqlclient.Tuple;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * Tells the other nodes sharing one PostgreSQL about a change (NOTIFY) and hears theirs (LISTEN),
 * reconnecting by itself after the database restarts. On SQLite there is one node, so it does nothing.
 *
 * <p>A connection that only listens could fall silent for good without anyone knowing (the server's host vanished,
 * a NAT or firewall on the way forgot it: no reset comes), and the node would go on believing that no other node
 * changed anything. So it is held to the store's socket timeout like the pool's connections ({@link SocketTimeout}),
 * and asks the server something every half of it, which a live server answers: a connection that stays silent is
 * closed, the feed connects again, and the listener starts from the store again, as after any reconnection.
 */
public final class ChangeFeed {
  private static final Logger LOG = Logger.getLogger(ChangeFeed.class.getName());
  private static final long RECONNECT_DELAY_MS = 500;

  private final Vertx vertx;
  private final PgSubscriber subscriber;
  private final long socketTimeoutMs;
  private volatile long pingTimer = -1;
  private volatile boolean closing;

  private ChangeFeed(Vertx vertx, PgSubscriber subscriber, long socketTimeoutMs) {
    this.vertx = vertx;
    this.subscriber = subscriber;
    this.socketTimeoutMs = socketTimeoutMs;
  }

  /**
   * Listens on a channel. {@code onSubscribed} runs after every (re)connection, because notifications sent
   * while the connection was down are lost and the listener must assume it missed some.
   */
  public static Future<ChangeFeed> listen(Vertx vertx, Store store, String channel, Consumer<String> onMessage,
      Runnable onSubscribed) {
    if (store.postgresOptions() == null) {
      return Future.succeededFuture(new ChangeFeed(vertx, null, 0));
    }
    PgSubscriber subscriber = PgSubscriber.subscriber(vertx, store.postgresOptions())
        .reconnectPolicy(attempt -> RECONNECT_DELAY_MS);
    ChangeFeed feed = new ChangeFeed(vertx, subscriber, store.socketTimeoutMs());
    AtomicBoolean subscribedBefore = new AtomicBoolean();
    subscriber.channel(channel)
        .subscribeHandler(ignored -> {
          if (subscribedBefore.getAndSet(true)) {
            LOG.info("change feed " + channel + " is listening again on a new connection; what it may have missed "
                + "meanwhile is read from the store again");
          }
          onSubscribed.run();
        })
        .handler(onMessage::accept);
    subscriber.closeHandler(ignored -> {
      if (!feed.closing) {
        LOG.warning("change feed " + channel + " gave up reconnecting");
      }
    });
    return subscriber.connect()
        .onFailure(e -> subscriber.close())
        .map(connected -> {
          if (feed.socketTimeoutMs > 0) {
            feed.pingTimer = vertx.setPeriodic(feed.socketTimeoutMs / 2, ignored -> feed.ping());
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

  /**
   * Something for a live server to answer on the listening connection (what, and whether it fails, is no matter),
   * held to the socket timeout: on each connection the feed makes, from its first ping on, also when it fell silent
   * before its LISTEN was answered.
   */
  private void ping() {
    PgConnection connection = subscriber.actualConnection();
    if (connection != null && !closing) {
      SocketTimeout.install(connection, socketTimeoutMs);
      connection.query("SELECT 1").execute();
    }
  }

  public Future<Void> close() {
    closing = true;
    if (pingTimer >= 0) {
      vertx.cancelTimer(pingTimer);
    }
    return subscriber == null ? Future.succeededFuture() : subscriber.close();
  }
}
