package io.heartgate.auth;

import io.vertx.core.Future;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongFunction;

/**
 * Where the verifier loads grants from and writes back when tokens were last used. Defined here so the verifier
 * needs no SQL of the tables it reads; the tokens feature, the one owner of the tokens table, implements it.
 */
public interface GrantSource {
  /** The grant of an active token of an active user, by the SHA-256 of the token's value; empty otherwise. */
  Future<Optional<Grant>> grantByHash(String tokenHash);

  /**
   * Records token id → when it was last used (epoch milliseconds), never moving a recorded time back, in chunks;
   * between two chunks it waits for {@code betweenChunks}, handed how many milliseconds the chunk took.
   */
  Future<Void> recordLastUse(Map<String, Long> lastUseByTokenId, LongFunction<Future<Void>> betweenChunks);
}
