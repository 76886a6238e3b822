package io.heartgate.audit;

import io.heartgate.auth.Principal;
import io.heartgate.core.ClientInfo;
import io.heartgate.store.Sql;
import io.heartgate.store.Store;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;

/** Records audited actions in the store and reads them back by time range. */
public final class AuditLog {
  public static final String SUCCESS = "success";
  public static final String FAILURE = "failure";
  private static final Logger LOG = Logger.getLogger(AuditLog.class.getName());

  private static final String INSERT = "INSERT INTO audit_events (at, action, actor_type, actor_id, target_type, "
      + "target_id, outcome, client_ip, user_agent) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)";

  private final Sql store;
  /** Where the log is read: on SQLite the reading connection, which waits for no write (see {@link Store#reads}). */
  private final Sql reads;
  private final Clock clock;

  public AuditLog(Store store, Clock clock) {
    this(store, store.reads(), clock);
  }

  private AuditLog(Sql store, Sql reads, Clock clock) {
    this.store = store;
    this.reads = reads;
    this.clock = clock;
  }

  /** The same log, writing through a transaction's client, so that its events commit or roll back with the change. */
  public AuditLog within(Sql transaction) {
    return new AuditLog(transaction, reads, clock);
  }

  /**
   * Records one event per target, now, in one batch. Unlike {@link #record}, a failure fails the Future: this is
   * meant for a transaction (see {@link #within}), which it then undoes with the change it describes.
   */
  public Future<Void> recordEach(String action, Principal actor, String targetType, List<String> targetIds,
      String outcome, ClientInfo client) {
    long now = clock.millis();
    List<Tuple> rows = new ArrayList<>(targetIds.size());
    for (String targetId : targetIds) {
      rows.add(tuple(new AuditEvent(now, action, actor.actorType(), actor.actorId(), targetType, targetId, outcome,
          client.address(), client.userAgent())));
    }
    return store.batch(INSERT, rows).mapEmpty();
  }

  private static Tuple tuple(AuditEvent event) {
    return Tuple.from(new Object[] {event.at(), event.action(), event.actorType(), event.actorId(),
        event.targetType(), event.targetId(), event.outcome(), event.clientIp(), event.userAgent()});
  }

  /** Records what a caller (or, with a null actor, the system) did to an object, now. */
  public Future<Void> record(String action, Principal actor, String targetType, String targetId, String outcome,
      ClientInfo client) {
    return record(action, actor == null ? "system" : actor.actorType(), actor == null ? null : actor.actorId(),
        targetType, targetId, outcome, client);
  }

  /** Records an action whose actor is named outright (a login names the user it tried), now. */
  public Future<Void> record(String action, String actorType, String actorId, String targetType, String targetId,
      String outcome, ClientInfo client) {
    return record(new AuditEvent(clock.millis(), action, actorType, actorId, targetType, targetId, outcome,
        client.address(), client.userAgent()));
  }

  /**
   * Records an event. The action it describes already happened, so a failure to record is logged rather
   * than turned into a failed request.
   */
  private Future<Void> record(AuditEvent event) {
    return store.query(INSERT, tuple(event))
        .<Void>mapEmpty()
        .recover(e -> {
          LOG.warning("could not record audit event " + event.action() + ": " + e.getMessage());
          return Future.succeededFuture();
        });
  }

  /** Events with from ≤ at &lt; to, newest first. */
  /** Where a listing stands: the time and id of the last event given, newest first. */
  public record Position(long at, long id) {
    /** Before every event. */
    static final Position START = new Position(Long.MAX_VALUE, Long.MAX_VALUE);
  }

  /** A page of events, newest first, and the position after its last one (null when it is the last page). */
  public record Page(List<AuditEvent> events, Position next) {
  }

  /** Events from {@code from} (inclusive) to {@code to} (exclusive), after the position (null: from the newest). */
  public Future<Page> between(long from, long to, Position after, int limit) {
    Position start = after == null ? Position.START : after;
    return reads.query("SELECT id, at, action, actor_type, actor_id, target_type, target_id, outcome, client_ip, "
            + "user_agent FROM audit_events WHERE at >= $1 AND at < $2 AND (at < $3 OR (at = $3 AND id < $4)) "
            + "ORDER BY at DESC, id DESC LIMIT $5", Tuple.of(from, to, start.at(), start.id(), limit + 1))
        .map(rows -> {
          // One row more than the page, read only to know whether another page follows (a full last page is not
          // followed by an empty one).
          List<AuditEvent> events = new ArrayList<>();
          Position last = null;
          boolean more = false;
          for (Row row : rows) {
            if (events.size() == limit) {
              more = true;
              break;
            }
            events.add(new AuditEvent(row.getLong("at"), row.getString("action"), row.getString("actor_type"),
                row.getString("actor_id"), row.getString("target_type"), row.getString("target_id"),
                row.getString("outcome"), row.getString("client_ip"), row.getString("user_agent")));
            last = new Position(row.getLong("at"), row.getLong("id"));
          }
          return new Page(events, more ? last : null);
        });
  }
}
