package io.heartgate.tokens;

import io.heartgate.audit.AuditLog;
import io.heartgate.auth.Account;
import io.heartgate.auth.Accounts;
import io.heartgate.auth.AuthChanges;
import io.heartgate.auth.Invalidation;
import io.heartgate.auth.Principal;
import io.heartgate.auth.Role;
import io.heartgate.auth.TokenFormat;
import io.heartgate.core.Check;
import io.heartgate.core.ClientInfo;
import io.heartgate.core.Conflict;
import io.heartgate.core.Forbidden;
import io.heartgate.core.Invalid;
import io.heartgate.core.NotFound;
import io.heartgate.core.Page;
import io.heartgate.store.Sql;
import io.vertx.core.Future;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;

/**
 * The rules of API tokens: who may create, see and change which token, with which permissions. Every change
 * that can narrow a grant is announced to the verifiers before the caller hears back.
 */
public final class TokenService {
  /** The longest token name. */
  public static final int MAX_NAME = 255;

  private final TokenRepository tokens;
  private final Accounts accounts;
  private final AuthChanges changes;
  private final AuditLog audit;
  private final Clock clock;

  public TokenService(TokenRepository tokens, Accounts accounts, AuthChanges changes, AuditLog audit, Clock clock) {
    this.tokens = tokens;
    this.accounts = accounts;
    this.changes = changes;
    this.audit = audit;
    this.clock = clock;
  }

  /**
   * What a caller asks for.
   *
   * @param permissionList explicit permissions, or null
   * @param preset a preset name, or null; with both null the token gets {@code full}
   * @param expiresAt epoch milliseconds, or null
   * @param rawToken a pre-shared value, or null to generate one
   */
  public record CreateRequest(String name, List<String> permissionList, String preset, Long expiresAt,
      String rawToken) {
  }

  /**
   * A created token, its value, which is shown this once, and the permissions asked for that it did not get
   * (in the contract's order; empty when none).
   */
  public record Created(Token token, String value, Set<String> droppedPermissions) {
  }

  /**
   * A token of the caller's with what was asked for within what the caller holds (their role, narrowed by their
   * token when a token creates a token); the rest is dropped and named, and only an empty overlap is refused.
   */
  public Future<Created> create(Principal actor, CreateRequest request, ClientInfo client) {
    Forbidden refusal = creatorRefusal(actor);
    if (refusal != null) {
      return Future.failedFuture(refusal);
    }
    String name = Check.text("name", request.name(), Check.Text.required(MAX_NAME).asChosenName());
    RequestedPermissions permissions = RequestedPermissions.within(actor.permissions(), request.permissionList(),
        request.preset());
    Invalid expiry = expiryRefusal(request.expiresAt());
    if (expiry != null) {
      return Future.failedFuture(expiry);
    }
    String value = request.rawToken() != null ? request.rawToken() : TokenFormat.generate();
    String hash = TokenFormat.hash(value);
    String source = request.rawToken() != null ? "preshared" : "api";
    TokenRepository.NewToken row = new TokenRepository.NewToken(UUID.randomUUID().toString(), name, hash,
        actor.userId(), permissions.granted(), source, request.expiresAt(), actor.actorId());
    // Answered as written: the user's deletion right after would leave nothing to read again.
    return tokens.insert(row, tx -> stillHolds(tx, actor.userId(), actor.role(), "your role"))
        // A verifier may remember this hash as unknown for a moment: make it work on its very next request.
        .compose(created -> changes.announce(Invalidation.tokenHash(hash)).map(created))
        .compose(created -> audit.record("token.create", actor, "token", row.id(), AuditLog.SUCCESS,
            client).map(new Created(created, value, permissions.dropped())));
  }

  /**
   * In the transaction that writes a token: refuses it unless its user still holds the role its permissions were
   * clamped to, and is active (see {@link Accounts#holds}). A token must not be stored beside a role change with
   * the permissions of the role before it: the change narrows only the tokens it finds. A conflict, not a refusal:
   * asked again, the request is judged by the user as they are now.
   */
  private Future<Void> stillHolds(Sql tx, String userId, Role role, String whose) {
    return accounts.holds(tx, userId, role).compose(holds -> holds ? Future.succeededFuture()
        : Future.failedFuture(new Conflict("changed_meanwhile", whose + " or account changed while the token was "
            + "written; try again")));
  }

  /** Why the actor may not create tokens at all; null if they may. */
  private static Forbidden creatorRefusal(Principal actor) {
    return actor.isAnonymous() || actor.role() == Role.VIEWER ? new Forbidden("your role cannot create tokens") : null;
  }

  /** Why a token may not expire then; null if it may (never, or in the future). */
  private Invalid expiryRefusal(Long expiresAt) {
    return expiresAt != null && expiresAt <= clock.millis()
        ? new Invalid("expiresAt", "expiresAt must be in the future") : null;
  }

  /**
   * Many tokens of the caller's at once, for provisioning a fleet: {@code count} tokens named
   * {@code <namePrefix>-0000001} and on (zero-padded to the digits of the count), all with the same permissions and
   * expiry, by the rules of {@link #create}.
   */
  public record BulkRequest(String namePrefix, int count, List<String> permissionList, String preset,
      Long expiresAt) {
  }

  /**
   * A bulk creation that passed every rule: what its tokens hold, what was dropped, and its batches (one
   * transaction each, so that none holds SQLite's one writer for long).
   *
   * @param singleWriter the store lets one writer in at a time (SQLite): a running node's heartbeats wait for each
   *     batch, so batches are smaller and leave the store to others between them
   */
  public record Bulk(Principal actor, String namePrefix, int count, Set<String> granted, Set<String> dropped,
      Long expiresAt, boolean singleWriter) {
    public int batches() {
      return (count + batchSize() - 1) / batchSize();
    }

    int batchSize() {
      return singleWriter ? SINGLE_WRITER_BULK_BATCH : BULK_BATCH;
    }

    /**
     * How long to leave the store to others after a batch that took {@code tookMs}: on SQLite as long again (half
     * of its writer's time), and at least the longest sleep of SQLite's busy handler, or a running node's writer,
     * waking up to try again, could find the next batch holding it every time (heartbeats waited seconds).
     */
    public long pauseAfterMs(long tookMs) {
      return singleWriter ? Math.max(BUSY_HANDLER_LONGEST_SLEEP_MS + 10, tookMs) : 0;
    }

    public String firstName() {
      return name(0);
    }

    public String lastName() {
      return name(count - 1);
    }

    String name(int index) {
      return namePrefix + "-" + String.format(Locale.ROOT, "%0" + digits(count) + "d", index + 1);
    }
  }

  /** The most tokens one bulk creation makes. */
  public static final int MAX_BULK = 10_000_000;
  /** Tokens per batch (and transaction) of a bulk creation. */
  static final int BULK_BATCH = 10_000;
  /**
   * On SQLite: a batch of 10,000 held the one writer for up to 4.4 s in a store of 2 million tokens, and a running
   * node's heartbeats waited as long (a helper's probe).
   */
  static final int SINGLE_WRITER_BULK_BATCH = 2_000;
  /** SQLite's default busy handler sleeps at most this long between two tries. */
  private static final long BUSY_HANDLER_LONGEST_SLEEP_MS = 100;

  /**
   * Checks a bulk creation before anything is created: the caller's role, the count, the names (the prefix must
   * leave room for the number, and no token's name may start with it yet), the permissions and the expiry.
   */
  public Future<Bulk> planBulk(Principal actor, BulkRequest request) {
    Forbidden refusal = creatorRefusal(actor);
    if (refusal != null) {
      return Future.failedFuture(refusal);
    }
    if (request.count() < 1 || request.count() > MAX_BULK) {
      return Future.failedFuture(new Invalid("count", "count must be between 1 and " + MAX_BULK));
    }
    String namePrefix = Check.text("namePrefix", request.namePrefix(),
        Check.Text.required(MAX_NAME - 1 - digits(request.count())).asChosenName());
    RequestedPermissions permissions = RequestedPermissions.within(actor.permissions(), request.permissionList(),
        request.preset());
    Invalid expiry = expiryRefusal(request.expiresAt());
    if (expiry != null) {
      return Future.failedFuture(expiry);
    }
    String prefix = namePrefix + "-";
    return tokens.namePrefixTaken(prefix).compose(taken -> taken
        ? Future.failedFuture(new Conflict("token_name_conflict", "A token whose name starts with " + prefix
            + " already exists; choose another name prefix"))
        : Future.succeededFuture(new Bulk(actor, namePrefix, request.count(), permissions.granted(),
            permissions.dropped(), request.expiresAt(), tokens.singleWriter())));
  }

  /**
   * Creates one batch of a bulk creation (batch 0 to {@code batches() - 1}) in one transaction with its audit
   * events ({@code token.create} per token, as one at a time would record), and gives the new values in the
   * order of their names.
   */
  public Future<List<String>> createBatch(Bulk bulk, int batch, ClientInfo client) {
    int from = batch * bulk.batchSize();
    int to = Math.min(bulk.count(), from + bulk.batchSize());
    List<String> values = new ArrayList<>(to - from);
    List<String> ids = new ArrayList<>(to - from);
    List<TokenRepository.NewToken> rows = new ArrayList<>(to - from);
    for (int i = from; i < to; i++) {
      String value = TokenFormat.generate();
      String id = UUID.randomUUID().toString();
      values.add(value);
      ids.add(id);
      rows.add(new TokenRepository.NewToken(id, bulk.name(i), TokenFormat.hash(value), bulk.actor().userId(),
          bulk.granted(), "api", bulk.expiresAt(), bulk.actor().actorId()));
    }
    // No announcement: these values were generated just now, so no verifier can remember one of them as unknown.
    return tokens.insertAll(rows, tx -> stillHolds(tx, bulk.actor().userId(), bulk.actor().role(), "your role"),
        tx -> audit.within(tx).recordEach("token.create", bulk.actor(), "token", ids,
        AuditLog.SUCCESS, client)).map(values);
  }

  private static int digits(int count) {
    return Integer.toString(count).length();
  }

  /** A token the caller may see, or 404: owner and administrator see all, anyone else only their own. */
  public Future<Token> visible(Principal actor, String id) {
    return tokens.byId(id).compose(token -> token.filter(t -> canSee(actor, t)).map(Future::succeededFuture)
        .orElseGet(TokenService::noSuchToken));
  }

  private static <T> Future<T> noSuchToken() {
    return Future.failedFuture(new NotFound("No such token"));
  }

  /**
   * The user whose tokens alone the actor may revoke or delete, or null when they may any token: their write is
   * bound to it, as the token they found theirs may be reassigned before it.
   */
  private static String onlyTokensOf(Principal actor) {
    return actor.role().managesAllTokens() ? null : actor.userId();
  }

  private static boolean canSee(Principal actor, Token token) {
    return !actor.isAnonymous() && (actor.role().managesAllTokens() || token.userId().equals(actor.userId()));
  }

  /**
   * At most {@code limit} of the tokens the actor may see, filtered by state and owner (null: any), oldest first,
   * after {@code after} (null: from the first). A user who does not manage every token reads only their own, not
   * every token of the node to keep theirs.
   */
  public Future<Page<Token, TokenCursor>> page(Principal actor, String state, String userId, TokenCursor after,
      int limit) {
    if (actor.isAnonymous()) {
      return Future.succeededFuture(new Page<>(List.of(), null));
    }
    boolean all = actor.role().managesAllTokens();
    if (!all && userId != null && !userId.equals(actor.userId())) {
      return Future.succeededFuture(new Page<>(List.of(), null));
    }
    return tokens.page(state, all ? userId : actor.userId(), after, limit + 1)
        .map(read -> Page.readOneMore(read, limit, TokenCursor::after));
  }

  public Future<Token> revoke(Principal actor, String id, ClientInfo client) {
    return visible(actor, id)
        .compose(token -> revoked(actor, token))
        .compose(token -> audit.record("token.revoke", actor, "token", id, AuditLog.SUCCESS, client).map(token));
  }

  /**
   * Revokes the token read, and answers it as revoked. Read again when the revocation found it revoked already, or
   * reassigned away from the caller since (then no longer visible), or moved to another user in between (by a
   * caller who may revoke any token).
   */
  private Future<Token> revoked(Principal actor, Token read) {
    return tokens.revoke(read.id(), actor.actorId(), onlyTokensOf(actor)).compose(revoked -> {
      if (revoked == null) {
        return visible(actor, read.id());
      }
      Future<Void> announced = changes.announce(Invalidation.tokenId(read.id()));
      return revoked.ownerId().equals(read.userId()) ? announced.map(read.revoked(revoked.at(), actor.actorId()))
          : announced.compose(ignored -> visible(actor, read.id()));
    });
  }

  /**
   * Moves a token to another user, its permissions re-clamped to that user's role. Refused (and the refusal
   * audited) unless the caller could itself hold the result: the new owner's role may not rank above the
   * caller's, the result may not exceed the calling credential, the bootstrap token stays the owner's, and a
   * disabled user gets none.
   */
  public Future<Token> reassign(Principal actor, String id, String userId, ClientInfo client) {
    if (actor.isAnonymous() || !actor.role().managesAllTokens()) {
      return refuseReassign(actor, id, client,
          new Forbidden("only the owner or an administrator can reassign tokens"));
    }
    return visible(actor, id).compose(token -> accounts.account(userId).compose(target -> {
      if (target.isEmpty()) {
        return Future.failedFuture(new NotFound("No such user"));
      }
      Set<String> kept = target.get().role().clamp(token.permissions());
      Forbidden refusal = reassignRefusal(actor, token, target.get(), kept);
      if (refusal != null) {
        return refuseReassign(actor, id, client, refusal);
      }
      return tokens.reassign(id, target.get(), kept, actor.actorId(),
              tx -> stillHolds(tx, userId, target.get().role(), "the user's role"))
          .compose(moved -> moved.map(Future::succeededFuture).orElseGet(TokenService::noSuchToken))
          .compose(moved -> changes.announce(Invalidation.tokenId(id)).map(moved))
          .compose(moved -> audit.record("token.reassign", actor, "token", id, AuditLog.SUCCESS, client).map(moved));
    }));
  }

  /** Why the caller may not give the token to that user, keeping those permissions; null if they may. */
  private static Forbidden reassignRefusal(Principal actor, Token token, Account target, Set<String> kept) {
    if (token.fromBootstrap()) {
      return new Forbidden("the bootstrap token belongs to the owner; set a new OWNER_TOKEN to replace it");
    }
    if (!target.active()) {
      return new Forbidden("cannot reassign a token to a disabled user; enable the user first");
    }
    Role targetRole = target.role();
    if (targetRole.ranksAbove(actor.role())) {
      return new Forbidden("cannot reassign a token to a user whose role (" + targetRole.wireName()
          + ") ranks above yours (" + actor.role().wireName() + ")");
    }
    Set<String> beyond = new LinkedHashSet<>(kept);
    beyond.removeAll(actor.permissions());
    if (!beyond.isEmpty()) {
      return new Forbidden("cannot reassign a token that would hold more than your credential: "
          + String.join(", ", beyond));
    }
    return null;
  }

  private Future<Token> refuseReassign(Principal actor, String id, ClientInfo client, Forbidden refusal) {
    return audit.record("token.reassign", actor, "token", id, AuditLog.FAILURE, client)
        .compose(ignored -> Future.failedFuture(refusal));
  }

  public Future<Void> delete(Principal actor, String id, ClientInfo client) {
    return visible(actor, id)
        .compose(token -> tokens.delete(id, onlyTokensOf(actor)))
        .compose(deleted -> deleted ? changes.announce(Invalidation.tokenId(id)) : noSuchToken())
        .compose(ignored -> audit.record("token.delete", actor, "token", id, AuditLog.SUCCESS, client));
  }

  /**
   * A user's role changed: narrows the stored permissions of their active tokens to the new role (revoking those
   * left with nothing) and drops their grants before the caller hears back. The clamp is stored, so a later
   * promotion gives nothing back.
   */
  public Future<Void> clampToRole(String userId, Role role, String by) {
    return tokens.clampToRole(userId, role, by)
        .compose(ignored -> changes.announce(Invalidation.user(userId)));
  }
}
