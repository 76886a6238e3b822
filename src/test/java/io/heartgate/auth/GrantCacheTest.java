package io.heartgate.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.heartgate.bus.Addresses;
import io.heartgate.bus.LocalCodec;
import io.heartgate.metrics.TokenCacheMeters;
import io.heartgate.store.Store;
import io.heartgate.testsupport.Await;
import io.heartgate.testsupport.StoreKind;
import io.heartgate.testsupport.TestStores;
import io.heartgate.tokens.TokenRepository;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.sqlclient.Tuple;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;
import java.util.stream.IntStream;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The token cache and the verifier against a real store, on both: the first uses of many tokens at once (a fleet
 * starting) are loaded in a few store reads, not one read per token (issue 15, item 2: the first minute of a
 * 100,000-agent fleet waited seconds behind one read per new token on SQLite's only connection); a failed write
 * of the tokens' last use loses none of them.
 */
class GrantCacheTest {
  private static final int TOKENS = 1_200;
  @TempDir
  Path tempDir;
  @RegisterExtension
  final TestStores stores = new TestStores();

  /** The real source, counting the store reads asked of it. */
  private static final class CountingSource implements GrantSource {
    private final GrantSource real;
    /** How many hashes each read asked for. */
    final List<Integer> reads = new CopyOnWriteArrayList<>();
    /** Every read's answer waits for it (on another thread, a read could end before the misses were all asked). */
    volatile CompletableFuture<Void> answersHeldUntil = CompletableFuture.completedFuture(null);

    CountingSource(GrantSource real) {
      this.real = real;
    }

    @Override
    public Future<Map<String, Grant>> grantsByHash(List<String> tokenHashes) {
      reads.add(tokenHashes.size());
      CompletableFuture<Void> held = answersHeldUntil;
      return real.grantsByHash(tokenHashes).compose(found -> Future.fromCompletionStage(held).map(found));
    }

    @Override
    public Future<Void> recordLastUse(SortedMap<String, Long> lastUseByTokenId,
        LongFunction<Future<Void>> betweenChunks) {
      return real.recordLastUse(lastUseByTokenId, betweenChunks);
    }
  }

  private static String hashOf(int i) {
    return TokenFormat.hash(TokenFormat.PREFIX + String.format("%064x", i));
  }

  /** Tokens 0 … TOKENS-1: even ones of an active user, odd ones of a disabled user; token 8 revoked. */
  private static void provision(Store store) {
    Await.of(store.batch("INSERT INTO users (id, username, password_hash, role, status, created_at, updated_at) "
        + "VALUES ($1, $2, 'x', $3, $4, 0, 0)", List.of(Tuple.of("u-active", "active", "manager", "active"),
            Tuple.of("u-disabled", "disabled", "viewer", "disabled"))));
    List<Tuple> tokens = new ArrayList<>();
    for (int i = 0; i < TOKENS; i++) {
      tokens.add(Tuple.of("t-" + i, "token-" + i, hashOf(i), i % 2 == 0 ? "u-active" : "u-disabled",
          "agents:read,heartbeat:write", i == 8 ? "revoked" : "active"));
    }
    Await.of(store.batch("INSERT INTO tokens (id, name, token_hash, user_id, permissions, state, source, "
        + "created_at) VALUES ($1, $2, $3, $4, $5, $6, 'api', 0)", tokens));
  }

  /** Asks for every hash in one turn of the store's event loop, as the verifier does for misses arriving at once. */
  private static List<Optional<Grant>> getAllInOneTurn(TestStores stores, GrantCache cache, List<String> hashes)
      throws Exception {
    return getAllInOneTurn(stores, cache, hashes, () -> { });
  }

  /** The same, running {@code afterAsking} at the end of that turn. */
  private static List<Optional<Grant>> getAllInOneTurn(TestStores stores, GrantCache cache, List<String> hashes,
      Runnable afterAsking) throws Exception {
    CompletableFuture<List<CompletableFuture<Optional<Grant>>>> asked = new CompletableFuture<>();
    stores.vertx().getOrCreateContext().runOnContext(ignored -> {
      asked.complete(hashes.stream().map(cache::get).toList());
      afterAsking.run();
    });
    List<CompletableFuture<Optional<Grant>>> answers = asked.get(10, TimeUnit.SECONDS);
    CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    return answers.stream().map(CompletableFuture::join).toList();
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void theFirstUsesOfManyTokensAtOnceAreLoadedInAFewReads(StoreKind kind) throws Exception {
    Store store = stores.migrated(kind, tempDir, 4);
    provision(store);
    CountingSource source = new CountingSource(new TokenRepository(store, Clock.systemUTC()));
    GrantCache cache = new GrantCache(source, new TokenCacheMeters(new SimpleMeterRegistry()));
    List<String> hashes = new ArrayList<>(IntStream.range(0, TOKENS).mapToObj(GrantCacheTest::hashOf).toList());
    hashes.add(hashOf(TOKENS));  // unknown
    hashes.add(hashOf(0));       // asked twice

    source.answersHeldUntil = new CompletableFuture<>();
    List<Optional<Grant>> grants = getAllInOneTurn(stores, cache, hashes, () -> source.answersHeldUntil.complete(null));

    for (int i = 0; i < TOKENS; i++) {
      Optional<Grant> grant = grants.get(i);
      if (i % 2 == 0 && i != 8) {
        assertTrue(grant.isPresent(), "token " + i);
        assertEquals("t-" + i, grant.get().tokenId());
        assertEquals("u-active", grant.get().userId());
        assertEquals(Role.MANAGER, grant.get().role());
        assertEquals(Set.of("agents:read", "heartbeat:write"), grant.get().permissions());
      } else {
        assertEquals(Optional.empty(), grant, "token " + i + ": of a disabled user, or revoked");
      }
    }
    assertEquals(Optional.empty(), grants.get(TOKENS), "an unknown token");
    assertEquals("t-0", grants.get(TOKENS + 1).orElseThrow().tokenId());
    assertEquals(List.of(1, TOKENS), source.reads,
        "the first miss alone, then every other miss that came meanwhile together (the repeated one once)");
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aFailedReadFailsEveryMissItLoadedAndTheNextUseReadsAgain(StoreKind kind) throws Exception {
    Store store = stores.migrated(kind, tempDir, 4);
    provision(store);
    GrantCache cache = new GrantCache(new TokenRepository(store, Clock.systemUTC()),
        new TokenCacheMeters(new SimpleMeterRegistry()));
    List<String> hashes = List.of(hashOf(0), hashOf(2), hashOf(4));
    Await.of(store.query("ALTER TABLE tokens RENAME TO tokens_away"));

    ExecutionException failed = assertThrows(ExecutionException.class,
        () -> getAllInOneTurn(stores, cache, hashes));
    assertTrue(failed.getMessage().contains("tokens"), failed.toString());

    Await.of(store.query("ALTER TABLE tokens_away RENAME TO tokens"));
    assertEquals(List.of("t-0", "t-2", "t-4"), getAllInOneTurn(stores, cache, hashes).stream()
        .map(grant -> grant.orElseThrow().tokenId()).toList());
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void usesAFailedWriteCouldNotRecordAreWrittenByTheNext(StoreKind kind) throws Exception {
    Store store = stores.migrated(kind, tempDir, 4);
    provision(store);
    // Reads of the tokens go on; writes of their last use are refused until the trigger is dropped.
    if (kind == StoreKind.SQLITE) {
      Await.of(store.query("CREATE TRIGGER refuse_last_use BEFORE UPDATE ON tokens BEGIN "
          + "SELECT RAISE(ABORT, 'refused'); END"));
    } else {
      Await.of(store.query("CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS "
          + "'BEGIN RAISE EXCEPTION ''refused''; END'"));
      Await.of(store.query("CREATE TRIGGER refuse_last_use BEFORE UPDATE ON tokens FOR EACH ROW "
          + "EXECUTE FUNCTION refuse()"));
    }
    LocalCodec.register(stores.vertx(), Grant.class);
    TokenVerifier verifier = new TokenVerifier(new TokenRepository(store, Clock.systemUTC()), store,
        Clock.systemUTC(), new TokenCacheMeters(new SimpleMeterRegistry()));
    Await.of(stores.vertx().deployVerticle(verifier));
    Grant grant = Await.of(stores.vertx().eventBus().<Grant>request(Addresses.AUTH_VERIFY, hashOf(0))).body();
    assertEquals("t-0", grant.tokenId());

    assertThrows(RuntimeException.class, () -> Await.of(verifier.flushNow()), "the write is refused");
    Await.of(store.query(kind == StoreKind.SQLITE ? "DROP TRIGGER refuse_last_use"
        : "DROP TRIGGER refuse_last_use ON tokens"));
    Await.of(verifier.flushNow());

    assertNotNull(Await.of(store.query("SELECT last_used_at FROM tokens WHERE id = 't-0'")).iterator().next()
        .getValue(0), "the use the refused write held is written by the next");
  }
}
