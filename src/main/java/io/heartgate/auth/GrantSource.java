package io.heartgate.auth;

import io.vertx.core.Future;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.function.LongFunction;

/**
 * Where the verifier loads grants from and writes back when tokens were last used. Defined here so the verifier
 * needs no SQL of the tables it reads; the tokens feature, the one owner of the tokens table, implements it.
 */
public interface GrantSource {
  /**
   * The grants of the active tokens of active users among these SHA-256 hashes of tokens' values, by hash; a hash
   * without one is absent from the map.
   */
  Future<Map<String, Grant>> grantsByHash(List<String> tokenHashes);

  /**
   * Records token id → when it was last used (epoch milliseconds), never moving a recorded time back, in chunks
   * in token id order; between two chunks it waits for {@code betweenChunks}, handed how many milliseconds the
   * chunk took.
   */
  Future<Void> recordLastUse(SortedMap<String, Long> lastUseByTokenId, LongFunction<Future<Void>> betweenChunks);
}
