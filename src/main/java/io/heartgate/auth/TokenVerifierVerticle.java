package io.heartgate.auth;

import io.heartgate.bus.Addresses;
import io.heartgate.store.Store;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Answers {@code auth.verify}: a token hash in, the {@link Grant} out, or a 401 failure carrying the
 * contract's message. Only active tokens of active users verify.
 */
public final class TokenVerifierVerticle extends VerticleBase {
  static final String INVALID_TOKEN = "Invalid token";
  static final String TOKEN_EXPIRED = "Token expired";

  private static final String GRANT_BY_HASH = "SELECT t.id, t.user_id, u.username, u.role, t.permissions, "
      + "t.expires_at FROM tokens t JOIN users u ON u.id = t.user_id "
      + "WHERE t.token_hash = $1 AND t.state = 'active' AND u.status = 'active'";

  private final Store store;
  private MessageConsumer<String> consumer;

  public TokenVerifierVerticle(Store store) {
    this.store = store;
  }

  @Override
  public Future<?> start() {
    consumer = vertx.eventBus().consumer(Addresses.AUTH_VERIFY, this::verify);
    return consumer.completion();
  }

  @Override
  public Future<?> stop() {
    return consumer.unregister();
  }

  private void verify(Message<String> request) {
    load(request.body())
        .onSuccess(grant -> {
          if (grant == null) {
            request.fail(401, INVALID_TOKEN);
          } else if (grant.expiredAt(System.currentTimeMillis())) {
            request.fail(401, TOKEN_EXPIRED);
          } else {
            request.reply(grant);
          }
        })
        .onFailure(e -> request.fail(503, "The store is unavailable; try again later"));
  }

  private Future<Grant> load(String tokenHash) {
    return store.query(GRANT_BY_HASH, Tuple.of(tokenHash))
        .map(rows -> rows.size() == 0 ? null : toGrant(rows.iterator().next()));
  }

  private static Grant toGrant(Row row) {
    Set<String> permissions = Arrays.stream(row.getString("permissions").split(","))
        .filter(p -> !p.isEmpty())
        .collect(Collectors.toSet());
    return new Grant(row.getString("id"), row.getString("user_id"), row.getString("username"),
        row.getString("role"), permissions, row.getLong("expires_at"));
  }
}
