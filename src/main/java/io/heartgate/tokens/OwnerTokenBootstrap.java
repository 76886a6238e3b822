package io.heartgate.tokens;

import io.heartgate.auth.Accounts;
import io.heartgate.auth.AuthChanges;
import io.heartgate.auth.Invalidation;
import io.heartgate.auth.Role;
import io.heartgate.auth.TokenFormat;
import io.vertx.core.Future;
import java.util.UUID;
import java.util.logging.Logger;

/**
 * OWNER_TOKEN, re-evaluated at every start as the product does: the same value changes nothing; a new value
 * gets a new bootstrap token, then the old one is revoked; a value revoked by hand stays revoked; one deleted
 * by hand is created again; a value owned by a normal token, or no owner yet, only warn (a malformed value never
 * gets here: the settings refuse it).
 */
public final class OwnerTokenBootstrap {
  static final String NAME = "bootstrap-token";
  private static final Logger LOG = Logger.getLogger(OwnerTokenBootstrap.class.getName());

  private final TokenRepository tokens;
  private final Accounts accounts;
  private final AuthChanges changes;

  public OwnerTokenBootstrap(TokenRepository tokens, Accounts accounts, AuthChanges changes) {
    this.tokens = tokens;
    this.accounts = accounts;
    this.changes = changes;
  }

  public Future<Void> apply(String value) {
    if (value.isEmpty()) {
      return Future.succeededFuture();
    }
    String hash = TokenFormat.hash(value);
    return tokens.byHash(hash).compose(existing -> {
      if (existing.isPresent()) {
        if (!existing.get().fromBootstrap()) {
          LOG.warning("OWNER_TOKEN has the value of the existing token '" + existing.get().name()
              + "'; leaving it alone");
        }
        return Future.succeededFuture();
      }
      return accounts.owner().compose(owner -> {
        if (owner.isEmpty()) {
          LOG.warning("OWNER_TOKEN is set but there is no owner yet; it is provisioned at the next start after setup");
          return Future.succeededFuture();
        }
        return provision(owner.get().id(), hash);
      });
    });
  }

  private Future<Void> provision(String ownerId, String hash) {
    String id = UUID.randomUUID().toString();
    return tokens.activeBootstrapTokens().compose(previous -> freeName(NAME, 0).compose(name -> tokens.insert(
            new TokenRepository.NewToken(id, name, hash, ownerId, Role.OWNER.permissions(), Token.BOOTSTRAP, null, null)))
        .compose(ignored -> changes.announce(Invalidation.tokenHash(hash)))
        .compose(ignored -> {
          Future<Void> chain = Future.succeededFuture();
          for (Token old : previous) {
            chain = chain.compose(v -> tokens.revoke(old.id(), "system", null).mapEmpty())
                .compose(v -> changes.announce(Invalidation.tokenId(old.id())));
          }
          return chain;
        })
        .onSuccess(ignored -> LOG.info("provisioned the bootstrap token from OWNER_TOKEN"
            + (previous.isEmpty() ? "" : " and revoked the previous one"))));
  }

  /** bootstrap-token, then bootstrap-token-1, -2, … while the name is taken. */
  private Future<String> freeName(String base, int suffix) {
    String name = suffix == 0 ? base : base + "-" + suffix;
    return tokens.nameTaken(name).compose(taken -> taken ? freeName(base, suffix + 1) : Future.succeededFuture(name));
  }
}
