package io.heartgate.store;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.pubsub.PgSubscriber;
import io.vertx.sqlclient.Tuple;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * Tells the other nodes sharing one PostgreSQL about a change (NOTIFY) and hears theirs (LISTEN),
 * reconnecting by itself after the database restarts. On SQLite there is one node, so it does nothing.
 */
public final class ChangeFeed {
  private static final Logger LOG = Logger.getLogger(ChangeFeed.class.getName());
  private static final long RECONNECT_DELAY_MS = 500;

  private final PgSubscriber subscriber;
  private volatile boolean closing;

  private ChangeFeed(PgSubscriber subscriber) {
    this.subscriber = subscriber;
  }

  /**
   * Listens on a channel. {@code onSubscribed} runs after every (re)connection, because notifications sent
   * while the connection was down are lost and the listener must assume it missed some.
   */
  public static Future<ChangeFeed> listen(Vertx vertx, Store store, String channel, Consumer<String> onMessage,
      Runnable onSubscribed) {
    if (store.postgresOptions() == null) {
      return Future.succeededFuture(new ChangeFeed(null));
    }
    PgSubscriber subscriber = PgSubscriber.subscriber(vertx, store.postgresOptions())
        .reconnectPolicy(attempt -> RECONNECT_DELAY_MS);
    subscriber.channel(channel)
        .subscribeHandler(ignored -> onSubscribed.run())
        .handler(onMessage::accept);
    ChangeFeed feed = new ChangeFeed(subscriber);
    subscriber.closeHandler(ignored -> {
      if (!feed.closing) {
        LOG.warning("change feed " + channel + " gave up reconnecting");
      }
    });
    return subscriber.connect().map(feed);
  }

  /** Sends a change to every node listening on the channel, this one included. */
  public static Future<Void> notify(Store store, String channel, String payload) {
    if (store.dialect() != Dialect.POSTGRES) {
      return Future.succeededFuture();
    }
    return store.query("SELECT pg_notify($1, $2)", Tuple.of(channel, payload)).mapEmpty();
  }

  public Future<Void> close() {
    closing = true;
    return subscriber == null ? Future.succeededFuture() : subscriber.close();
  }
}
