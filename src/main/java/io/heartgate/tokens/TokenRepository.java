package io.heartgate.tokens;

import io.heartgate.auth.Account;
import io.heartgate.auth.Grant;
import io.heartgate.auth.GrantSource;
import io.heartgate.auth.Permissions;
import io.heartgate.auth.Role;
import io.heartgate.core.Conflict;
import io.heartgate.store.ChunkedLookup;
import io.heartgate.store.Dialect;
import io.heartgate.store.RowLocks;
import io.heartgate.store.Sql;
import io.heartgate.store.Store;
import io.heartgate.store.UniqueViolation;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.LongFunction;

/**
 * SQL for tokens, the one owner of the tokens table: token rows for the rules, and grants for the verifier (a
 * token joined with its owner). Revocation and creation times come from the clock.
 */
public final class TokenRepository implements GrantSource {
  private static final String SELECT = "SELECT t.id, t.name, t.user_id, u.username, u.role, t.permissions, t.state, "
      + "t.source, t.expires_at, t.created_at, t.revoked_by, t.revoked_at, t.last_used_at "
      + "FROM tokens t JOIN users u ON u.id = t.user_id";
  /** Rows of lastUsedAt written per transaction on PostgreSQL. */
  private static final int POSTGRES_LAST_USE_CHUNK = 1_000;
  /**
   * On SQLite a chunk holds the one connection, and every heartbeat batch waits behind it: at a million tokens a
   * chunk of 1,000 held it for 50-120 ms, and the heartbeats' p99 over the first round of a million new agents at
   * 5,000/s was 153 and 810 ms in two runs against 108 and 122 ms with chunks of 250 (src/bench, SCENARIO=fleet).
   */
  private static final int SQLITE_LAST_USE_CHUNK = 250;
  private static final String SQLITE_TOUCH = Dialect.SQLITE.sql("UPDATE tokens SET last_used_at = $2 WHERE id = $1 "
      + "AND (last_used_at IS NULL OR last_used_at < $2)");
  /**
   * PostgreSQL: a chunk's rows locked in id order (a join does not promise an order), then written by one UPDATE
   * from the arrays instead of one UPDATE per row.
   */
  private static final String LOCK_IN_ID_ORDER = RowLocks.inOrder("tokens", "id = ANY($1)", "id",
      RowLocks.Strength.NO_KEY_UPDATE);
  private static final String TOUCH_ALL = "UPDATE tokens SET last_used_at = u.at "
      + "FROM unnest($1::text[], $2::bigint[]) AS u(id, at) "
      + "WHERE tokens.id = u.id AND (tokens.last_used_at IS NULL OR tokens.last_used_at < u.at)";
  private static final String INSERT = "INSERT INTO tokens (id, name, token_hash, user_id, permissions, state, "
      + "source, expires_at, created_at, created_by) VALUES ($1, $2, $3, $4, $5, 'active', $6, $7, $8, $9)";
  private static final String REVOKE = "UPDATE tokens SET state = 'revoked', revoked_at = $2, revoked_by = $3 "
      + "WHERE id = $1 AND state = 'active'";

  /** A token row's columns as a write leaves them, for the answer to be what was written. */
  private static final String RETURNING_OWN_COLUMNS = " RETURNING id, name, permissions, state, source, expires_at, "
      + "created_at, revoked_by, revoked_at, last_used_at";

  private final Store store;
  /**
   * Listings, single tokens and grants: on SQLite the reading connection, which waits for no write (see {@link
   * Store#reads}).
   */
  private final Store reads;
  private final Clock clock;

  public TokenRepository(Store store, Clock clock) {
    this.store = store;
    this.reads = store.reads();
    this.clock = clock;
  }

  /** Whether the store lets one writer in at a time (SQLite), which a bulk creation leaves to others now and then. */
  public boolean singleWriter() {
    return store.dialect() == Dialect.SQLITE;
  }

  /** A new token's row; {@code hash} is the SHA-256 of its value. */
  public record NewToken(String id, String name, String hash, String userId, Set<String> permissions, String source,
      Long expiresAt, String createdBy) {
  }

  /**
   * Inserts; the token as stored, read in its transaction. Fails with a {@link Conflict} when the name or the value
   * is taken (the name is named first when both are).
   */
  public Future<Token> insert(NewToken token) {
    return insert(token, tx -> Future.succeededFuture());
  }

  /** Inserts as {@link #insert(NewToken)} does, in one transaction that first runs {@code first} (which may refuse). */
  public Future<Token> insert(NewToken token, Function<Sql, Future<Void>> first) {
    return store.inTransaction(tx -> first.apply(tx)
            .compose(ignored -> checkFree(tx, token.name(), token.hash()))
            .compose(ignored -> tx.query(INSERT, tuple(token, clock.millis())))
            .compose(ignored -> tx.query(SELECT + " WHERE t.id = $1", Tuple.of(token.id())))
            .map(rows -> first(rows).orElseThrow()))
        // Another request may have taken the name or the value since the check.
        .recover(TokenRepository::asConflict);
  }

  /**
   * Inserts many new tokens in one transaction (one batched statement), together with what must commit with
   * them (their audit events); a name or value already taken fails it as {@link #insert} does, and nothing of it
   * stays.
   */
  public Future<Void> insertAll(List<NewToken> tokens, Function<Sql, Future<Void>> first,
      Function<Sql, Future<Void>> alongside) {
    long now = clock.millis();
    List<Tuple> rows = new ArrayList<>(tokens.size());
    for (NewToken token : tokens) {
      rows.add(tuple(token, now));
    }
    return store.inTransaction(tx -> first.apply(tx)
            .compose(ignored -> tx.batch(INSERT, rows))
            .compose(ignored -> alongside.apply(tx)))
        .recover(TokenRepository::asConflict);
  }

  /** Whether some token's name starts with the prefix. */
  public Future<Boolean> namePrefixTaken(String prefix) {
    return store.query("SELECT 1 FROM tokens WHERE substr(name, 1, $2) = $1 LIMIT 1",
        Tuple.of(prefix, prefix.length())).map(rows -> rows.size() > 0);
  }

  private static Tuple tuple(NewToken token, long createdAt) {
    return Tuple.from(new Object[] {token.id(), token.name(), token.hash(), token.userId(),
        Permissions.encode(token.permissions()), token.source(), token.expiresAt(), createdAt, token.createdBy()});
  }

  private static <T> Future<T> asConflict(Throwable failure) {
    return UniqueViolation.<T>asConflict(constraint -> constraint.contains("token_hash") ? valueTaken()
        : nameTaken()).apply(failure);
  }

  private static Future<Void> checkFree(Sql sql, String name, String hash) {
    return nameTaken(sql, name).compose(nameTaken -> {
      if (nameTaken) {
        return Future.failedFuture(nameTaken());
      }
      return sql.query("SELECT 1 FROM tokens WHERE token_hash = $1", Tuple.of(hash))
          .compose(rows -> rows.size() > 0 ? Future.failedFuture(valueTaken()) : Future.succeededFuture());
    });
  }

  private static Conflict nameTaken() {
    return new Conflict("token_name_conflict", "A token with this name already exists");
  }

  private static Conflict valueTaken() {
    return new Conflict("token_value_conflict", "A token with this value already exists");
  }

  public Future<Boolean> nameTaken(String name) {
    return nameTaken(store, name);
  }

  private static Future<Boolean> nameTaken(Sql sql, String name) {
    return sql.query("SELECT 1 FROM tokens WHERE name = $1", Tuple.of(name)).map(rows -> rows.size() > 0);
  }

  public Future<Optional<Token>> byId(String id) {
    return reads.query(SELECT + " WHERE t.id = $1", Tuple.of(id)).map(TokenRepository::first);
  }

  public Future<Optional<Token>> byHash(String hash) {
    return store.query(SELECT + " WHERE t.token_hash = $1", Tuple.of(hash)).map(TokenRepository::first);
  }

  /**
   * The first {@code limit} tokens filtered by state and owner (a null filter matches everything), oldest first,
   * after the cursor's token in that order (null: from the first). A page starts where the last one ended along
   * {@code tokens_created}, rather than reading every token before it again.
   */
  public Future<List<Token>> page(String state, String userId, TokenCursor after, int limit) {
    List<Object> params = new ArrayList<>(List.of(limit));
    StringBuilder sql = new StringBuilder(SELECT).append(" WHERE 1 = 1");
    if (state != null) {
      params.add(state);
      sql.append(" AND t.state = $").append(params.size());
    }
    if (userId != null) {
      params.add(userId);
      sql.append(" AND t.user_id = $").append(params.size());
    }
    if (after != null) {
      params.add(after.createdAt());
      params.add(after.name());
      sql.append(" AND (t.created_at, t.name) > ($").append(params.size() - 1).append(", $")
          .append(params.size()).append(")");
    }
    return reads.query(sql.append(" ORDER BY t.created_at, t.name LIMIT $1").toString(), Tuple.from(params))
        .map(TokenRepository::all);
  }

  public Future<List<Token>> activeBootstrapTokens() {
    return store.query(SELECT + " WHERE t.source = $1 AND t.state = 'active'", Tuple.of(Token.BOOTSTRAP))
        .map(TokenRepository::all);
  }

  /** A revocation made: when, and the user the token belonged to then. */
  public record Revoked(long at, String ownerId) {
  }

  /**
   * Revokes an active token; a revoked one keeps its first revocation (idempotent). With {@code ownedBy}, only while
   * the token is that user's: a caller who may revoke only their own read it as theirs, and it may have been
   * reassigned since. The revocation, or null when it changed nothing.
   */
  public Future<Revoked> revoke(String id, String by, String ownedBy) {
    long at = clock.millis();
    Future<RowSet<Row>> revoked = ownedBy == null ? store.query(REVOKE + " RETURNING user_id", Tuple.of(id, at, by))
        : store.query(REVOKE + " AND user_id = $4 RETURNING user_id", Tuple.of(id, at, by, ownedBy));
    return revoked.map(rows -> rows.size() == 0 ? null : new Revoked(at, rows.iterator().next().getString(0)));
  }

  /**
   * Moves a token to another user with permissions already clamped to that user's role (revoking it when none are
   * left), in one transaction that first runs {@code first} (which may refuse). The token as moved, or none when
   * there was no token to move.
   */
  public Future<Optional<Token>> reassign(String id, Account to, Set<String> permissions, String by,
      Function<Sql, Future<Void>> first) {
    return store.inTransaction(tx -> first.apply(tx).compose(ignored -> permissions.isEmpty()
        ? tx.query("UPDATE tokens SET user_id = $2, state = 'revoked', revoked_at = COALESCE(revoked_at, $3), "
            + "revoked_by = COALESCE(revoked_by, $4) WHERE id = $1" + RETURNING_OWN_COLUMNS,
            Tuple.of(id, to.id(), clock.millis(), by))
        : tx.query("UPDATE tokens SET user_id = $2, permissions = $3 WHERE id = $1" + RETURNING_OWN_COLUMNS,
            Tuple.of(id, to.id(), Permissions.encode(permissions)))))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(ofUser(rows.iterator().next(), to)));
  }

  /** Deletes a token, with {@code ownedBy} only while it is that user's (as {@link #revoke}); whether it did. */
  public Future<Boolean> delete(String id, String ownedBy) {
    return (ownedBy == null ? store.query("DELETE FROM tokens WHERE id = $1", Tuple.of(id))
        : store.query("DELETE FROM tokens WHERE id = $1 AND user_id = $2", Tuple.of(id, ownedBy)))
        .map(rows -> rows.rowCount() > 0);
  }

  /**
   * Narrows the stored permissions of a user's active tokens to a role, revoking those left with nothing.
   * Runs in one transaction. On PostgreSQL the tokens are locked as they are read, in id order, the order the
   * write of their last use takes them: updated in the order they were found, they could deadlock with it.
   */
  public Future<Void> clampToRole(String userId, Role role, String by) {
    return store.inTransaction(tx -> tx
        .query("SELECT id, permissions FROM tokens WHERE user_id = $1 AND state = 'active' ORDER BY id"
            + (tx.dialect() == Dialect.POSTGRES ? " FOR NO KEY UPDATE" : ""), Tuple.of(userId))
        .compose(rows -> {
          List<Tuple> narrowed = new ArrayList<>();
          List<Tuple> emptied = new ArrayList<>();
          long now = clock.millis();
          for (Row row : rows) {
            Set<String> kept = role.clamp(Permissions.decode(row.getString("permissions")));
            if (kept.isEmpty()) {
              emptied.add(Tuple.of(row.getString("id"), now, by));
            } else {
              narrowed.add(Tuple.of(row.getString("id"), Permissions.encode(kept)));
            }
          }
          Future<?> chain = narrowed.isEmpty() ? Future.succeededFuture()
              : tx.batch("UPDATE tokens SET permissions = $2 WHERE id = $1", narrowed);
          return chain.compose(ignored -> emptied.isEmpty() ? Future.succeededFuture() : tx.batch(REVOKE, emptied));
        })
        .mapEmpty());
  }

  /**
   * Read on SQLite with the driver's API on the store's reading connection, in one task: through the Vert.x client
   * each read decoded its result's column types and names again, about a quarter of the gateway's allocation while
   * a million new agents' tokens were read (JFR, src/bench SCENARIO=fleet).
   */
  @Override
  public Future<Map<String, Grant>> grantsByHash(List<String> tokenHashes) {
    if (store.dialect() == Dialect.SQLITE) {
      return reads.withJdbc(connection -> sqliteGrants(connection, tokenHashes));
    }
    Map<String, Grant> grants = new HashMap<>();
    return ChunkedLookup.run(store, tokenHashes, TokenRepository::grantsSql,
            rows -> rows.forEach(row -> grants.put(row.getString("token_hash"), grant(row.getString("id"),
                row.getString("user_id"), row.getString("username"), row.getString("role"),
                row.getString("permissions"), row.getLong("expires_at")))))
        .map(grants);
  }

  private static String grantsSql(String in) {
    return "SELECT t.token_hash, t.id, t.user_id, u.username, u.role, t.permissions, t.expires_at "
        + "FROM tokens t JOIN users u ON u.id = t.user_id "
        + "WHERE t.token_hash IN (" + in + ") AND t.state = 'active' AND u.status = 'active'";
  }

  private static Map<String, Grant> sqliteGrants(Connection connection, List<String> tokenHashes)
      throws SQLException {
    Map<String, Grant> grants = new HashMap<>();
    for (List<String> chunk : ChunkedLookup.chunks(tokenHashes)) {
      try (PreparedStatement select = connection.prepareStatement(
          Dialect.SQLITE.sql(grantsSql(Sql.placeholders(1, chunk.size()))))) {
        for (int i = 0; i < chunk.size(); i++) {
          select.setString(i + 1, chunk.get(i));
        }
        try (ResultSet rows = select.executeQuery()) {
          while (rows.next()) {
            long expiresAt = rows.getLong(7);
            Long expires = rows.wasNull() ? null : expiresAt;
            grants.put(rows.getString(1), grant(rows.getString(2), rows.getString(3), rows.getString(4),
                rows.getString(5), rows.getString(6), expires));
          }
        }
      }
    }
    return grants;
  }

  /** Rows of lastUsedAt written per transaction on a store of this dialect. */
  public static int lastUseChunk(Dialect dialect) {
    return dialect == Dialect.SQLITE ? SQLITE_LAST_USE_CHUNK : POSTGRES_LAST_USE_CHUNK;
  }

  /**
   * In transactions of at most {@link #lastUseChunk} rows, one after the other: a node's fleet uses every token
   * each minute, and one transaction of them all would hold SQLite's only writer (or a PostgreSQL connection and
   * its row locks) for seconds while the heartbeats wait behind it; between two chunks their batches go first, and
   * the caller decides how long the store is left to them. In token id order: nodes behind one load balancer
   * record the same tokens at the same moment, and rows locked in one order everywhere cannot deadlock.
   */
  @Override
  public Future<Void> recordLastUse(SortedMap<String, Long> lastUseByTokenId,
      LongFunction<Future<Void>> betweenChunks) {
    return recordLastUse(lastUseByTokenId.entrySet().iterator(), betweenChunks);
  }

  /** Chunk after chunk from the uses (each chunk's rows made when it is written, not all of them up front). */
  private Future<Void> recordLastUse(Iterator<Map.Entry<String, Long>> uses, LongFunction<Future<Void>> betweenChunks) {
    if (!uses.hasNext()) {
      return Future.succeededFuture();
    }
    long started = System.nanoTime();
    int size = lastUseChunk(store.dialect());
    List<Map.Entry<String, Long>> chunk = new ArrayList<>(size);
    while (uses.hasNext() && chunk.size() < size) {
      chunk.add(uses.next());
    }
    Future<?> chunkWritten = store.dialect() == Dialect.SQLITE
        ? store.inJdbcTransaction(connection -> touchSqlite(connection, chunk))
        : store.inTransaction(tx -> touchPostgres(tx, chunk));
    return chunkWritten.compose(written -> uses.hasNext()
        ? betweenChunks.apply(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started))
            .compose(rested -> recordLastUse(uses, betweenChunks))
        : Future.succeededFuture());
  }

  private static Future<?> touchPostgres(Sql tx, List<Map.Entry<String, Long>> chunk) {
    String[] ids = new String[chunk.size()];
    Long[] times = new Long[chunk.size()];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = chunk.get(i).getKey();
      times[i] = chunk.get(i).getValue();
    }
    return tx.query(LOCK_IN_ID_ORDER, Tuple.tuple().addArrayOfString(ids))
        .compose(locked -> tx.query(TOUCH_ALL, Tuple.tuple().addArrayOfString(ids).addArrayOfLong(times)));
  }

  /** One statement per row in one batch, with the driver's API: the chunk holds the one connection the least. */
  private static void touchSqlite(Connection connection, List<Map.Entry<String, Long>> chunk) throws SQLException {
    try (PreparedStatement touch = connection.prepareStatement(SQLITE_TOUCH)) {
      for (Map.Entry<String, Long> use : chunk) {
        touch.setString(1, use.getKey());
        touch.setLong(2, use.getValue());
        touch.addBatch();
      }
      touch.executeBatch();
    }
  }

  private static Grant grant(String id, String userId, String username, String roleName, String permissions,
      Long expiresAt) {
    Role role = Role.of(roleName);
    return new Grant(id, userId, username, role, role.clamp(Permissions.decode(permissions)),
        expiresAt == null ? Grant.NEVER : expiresAt);
  }

  private static Optional<Token> first(RowSet<Row> rows) {
    return rows.size() == 0 ? Optional.empty() : Optional.of(toToken(rows.iterator().next()));
  }

  private static List<Token> all(RowSet<Row> rows) {
    List<Token> tokens = new ArrayList<>(rows.size());
    rows.forEach(row -> tokens.add(toToken(row)));
    return tokens;
  }

  /** A token row written (its own columns, see {@link #RETURNING_OWN_COLUMNS}) and the user it now belongs to. */
  private static Token ofUser(Row row, Account user) {
    return toToken(row, user.id(), user.username(), user.role());
  }

  /** A token row read with its owner's name and role. */
  private static Token toToken(Row row) {
    return toToken(row, row.getString("user_id"), row.getString("username"), Role.of(row.getString("role")));
  }

  private static Token toToken(Row row, String userId, String username, Role role) {
    return new Token(row.getString("id"), row.getString("name"), userId, username, role,
        Permissions.decode(row.getString("permissions")), row.getString("state"), row.getString("source"),
        row.getLong("expires_at"), row.getLong("created_at"), row.getString("revoked_by"), row.getLong("revoked_at"),
        row.getLong("last_used_at"));
  }
}
