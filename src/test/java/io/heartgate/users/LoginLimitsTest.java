package io.heartgate.users;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.heartgate.testsupport.Concurrently;
import io.heartgate.testsupport.Credentials;
import io.heartgate.testsupport.MovableClock;
import io.heartgate.testsupport.Reply;
import io.heartgate.testsupport.StoreKind;
import io.heartgate.testsupport.Team;
import io.heartgate.testsupport.TestGateway;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The login limits of the contract, over HTTP: per (username, client address), per address and per username,
 * counted when an attempt starts; and the bounded hashing pool. Clients are told apart by X-Forwarded-For
 * from a trusted proxy (the tests all come from 127.0.0.1).
 */
class LoginLimitsTest {
  private static final String INVALID_LOGIN = "Invalid username or password";
  private static final String ATTACKER = "203.0.113.66";
  private static final String OWNER_ADDRESS = "198.51.100.9";
  private static final String[] BEHIND_PROXY = {"--trusted-proxies", "127.0.0.1"};

  @TempDir
  Path tempDir;
  private TestGateway gateway;
  private final MovableClock clock = new MovableClock();

  private void start(StoreKind kind, String... flags) throws Exception {
    gateway = TestGateway.start(kind.freshStore(tempDir), clock, flags);
    Reply setup = gateway.post("/api/auth/setup", Credentials.NONE,
        new JsonObject().put("username", "owner").put("password", Team.PASSWORD));
    assertEquals(201, setup.status(), setup.toString());
  }

  @AfterEach
  void stop() {
    if (gateway != null) {
      gateway.close();
    }
  }

  /** A login from the client the trusted proxy names (none: from the peer itself). */
  private Reply login(String username, String password, String forwardedFor) {
    return loginVia(username, password, forwardedFor == null ? List.of() : List.of(forwardedFor));
  }

  /** A login carrying these X-Forwarded-For lines, in order. */
  private Reply loginVia(String username, String password, List<String> forwardedFor) {
    HttpRequest.Builder request = HttpRequest.newBuilder(gateway.api("/api/auth/login/local"))
        .timeout(Duration.ofSeconds(60))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(
            new JsonObject().put("username", username).put("password", password).encode()));
    forwardedFor.forEach(line -> request.header("X-Forwarded-For", line));
    HttpResponse<String> response = TestGateway.send(request.build());
    return new Reply(response.statusCode(), response.body(), response.headers());
  }

  private static void assertUnauthorized(Reply reply) {
    assertEquals(401, reply.status(), reply.toString());
    assertEquals(INVALID_LOGIN, reply.message(), reply.toString());
    assertNull(reply.header("set-cookie"), "no session after a failed login");
  }

  /** A 429 too_many_attempts with Retry-After; returns its seconds. */
  private static int assertTooMany(Reply reply) {
    assertEquals(429, reply.status(), reply.toString());
    assertEquals("too_many_attempts", reply.error(), reply.toString());
    assertNull(reply.header("set-cookie"), "no session past a limit");
    String retryAfter = reply.header("Retry-After");
    assertNotNull(retryAfter, "429 carries Retry-After: " + reply);
    assertTrue(retryAfter.matches("[0-9]+"), retryAfter);
    int seconds = Integer.parseInt(retryAfter);
    assertTrue(seconds >= 1 && seconds <= 15 * 60, "at most 15 minutes: " + seconds);
    return seconds;
  }

  private static long count(List<Reply> replies, int status) {
    return replies.stream().filter(r -> r.status() == status).count();
  }

  // Today (issue 11, item 6): 39 × 401, then 200 for the right password.
  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void parallelGuessesNeverGetPastTheLimit(StoreKind kind) throws Exception {
    start(kind);

    List<Reply> guesses = Concurrently.run(39, i -> login("owner", "wrong guess " + i, null));

    assertEquals(39, count(guesses, 401) + count(guesses, 429), "only 401 or 429: " + guesses);
    assertTrue(count(guesses, 401) <= 5, "at most five guesses are checked: " + count(guesses, 401) + " × 401");
    guesses.stream().filter(r -> r.status() == 429).forEach(LoginLimitsTest::assertTooMany);
    guesses.stream().filter(r -> r.status() == 401).forEach(LoginLimitsTest::assertUnauthorized);
    assertTooMany(login("owner", Team.PASSWORD, null));
  }

  // Today (item 7): the owner is locked out from everywhere.
  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aLockedClientDoesNotKeepTheUserOutFromAnotherAddress(StoreKind kind) throws Exception {
    start(kind, BEHIND_PROXY);
    for (int attempt = 1; attempt <= 5; attempt++) {
      assertUnauthorized(login("owner", "wrong " + attempt, ATTACKER));
    }
    int seconds = assertTooMany(login("owner", Team.PASSWORD, ATTACKER));
    assertTrue(seconds > 14 * 60, "that pair waits 15 minutes: " + seconds);

    Reply owner = login("owner", Team.PASSWORD, OWNER_ADDRESS);
    assertEquals(200, owner.status(), "the owner logs in from another address: " + owner);
    assertTooMany(login("owner", Team.PASSWORD, ATTACKER));

    clock.advance(Duration.ofMinutes(15).plusSeconds(1));
    assertEquals(200, login("owner", Team.PASSWORD, ATTACKER).status(), "the lock ends after 15 minutes");
  }

  // Today: the first hop counted, and a proxy that appends the address it took the request from (nginx's
  // $proxy_add_x_forwarded_for, HAProxy, cloud load balancers) leaves that hop to the client: 20 guesses, all 401.
  @Test
  void hopsTheClientWritesBeforeTheProxysOwnDoNotEscapeTheLimits() throws Exception {
    start(StoreKind.SQLITE, BEHIND_PROXY);
    for (int attempt = 1; attempt <= 5; attempt++) {
      assertUnauthorized(login("owner", "wrong " + attempt, "10.9.0." + attempt + ", " + ATTACKER));
    }
    assertTooMany(login("owner", "wrong again", "10.9.0.6, " + ATTACKER));
    assertTooMany(loginVia("owner", "wrong again", List.of("10.9.0.7", ATTACKER)));
  }

  // Today: five guesses claiming the owner's address locked the owner out of it.
  @Test
  void aClientCannotLockTheOwnerOutByClaimingTheOwnersAddress() throws Exception {
    start(StoreKind.SQLITE, BEHIND_PROXY);
    for (int attempt = 1; attempt <= 3; attempt++) {
      assertUnauthorized(login("owner", "wrong " + attempt, OWNER_ADDRESS + ", " + ATTACKER));
    }
    // A proxy that adds a header line of its own instead (HAProxy's option forwardfor).
    for (int attempt = 4; attempt <= 6; attempt++) {
      Reply guess = loginVia("owner", "wrong " + attempt, List.of(OWNER_ADDRESS, ATTACKER));
      assertEquals(attempt <= 5 ? 401 : 429, guess.status(), guess.toString());
    }
    assertEquals(200, login("owner", Team.PASSWORD, OWNER_ADDRESS).status(), "the owner's own address is open");
  }

  @Test
  void xForwardedForFromAnUntrustedPeerIsNotBelieved() throws Exception {
    start(StoreKind.SQLITE);
    for (int attempt = 1; attempt <= 5; attempt++) {
      assertUnauthorized(login("owner", "wrong " + attempt, "192.0.2." + attempt));
    }
    assertTooMany(login("owner", Team.PASSWORD, OWNER_ADDRESS));
  }

  @Test
  void anIpv6ClientCountsAsItsSlash64() throws Exception {
    start(StoreKind.SQLITE, BEHIND_PROXY);
    for (int attempt = 1; attempt <= 5; attempt++) {
      assertUnauthorized(login("owner", "wrong " + attempt, "2001:db8:1:2::" + attempt));
    }
    assertTooMany(login("owner", Team.PASSWORD, "2001:db8:1:2:ffff:ffff:ffff:ffff"));
    assertEquals(200, login("owner", Team.PASSWORD, "2001:db8:1:3::1").status(), "another /64 is another client");
  }

  // Today (item 7): an unknown name always gets 401, a known one 429 after five failures.
  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void unknownUsernamesAnswerLikeKnownOnes(StoreKind kind) throws Exception {
    start(kind);
    List<Integer> waits = new ArrayList<>();
    for (String username : new String[] {"owner", "nobody"}) {
      for (int attempt = 1; attempt <= 5; attempt++) {
        assertUnauthorized(login(username, "wrong " + attempt, null));
      }
      Reply locked = login(username, "wrong again", null);
      waits.add(assertTooMany(locked));
      assertEquals("Too many failed logins; try again later", locked.message(), locked.toString());
    }
    assertTrue(Math.abs(waits.get(0) - waits.get(1)) <= 60, "the same wait: " + waits);
  }

  // Today (item 7): one client may try every username without limit.
  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void oneAddressIsLimitedAcrossUsernames(StoreKind kind) throws Exception {
    start(kind, BEHIND_PROXY);
    for (int i = 0; i < 30; i++) {
      assertUnauthorized(login("user-" + i, "wrong", ATTACKER));
    }
    assertTooMany(login("user-30", "wrong", ATTACKER));
    assertTooMany(login("owner", Team.PASSWORD, ATTACKER));
    assertEquals(200, login("owner", Team.PASSWORD, OWNER_ADDRESS).status(), "other addresses are not limited");

    clock.advance(Duration.ofMinutes(15).plusSeconds(1));
    assertEquals(200, login("owner", Team.PASSWORD, ATTACKER).status(), "the address limit ends after 15 minutes");
  }

  // Today: no ceiling across addresses at all (and the owner is locked out everywhere after five).
  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void oneUsernameIsSlowedAcrossAddressesButItsKnownAddressesStayOpen(StoreKind kind) throws Exception {
    start(kind, BEHIND_PROXY);
    assertEquals(200, login("owner", Team.PASSWORD, OWNER_ADDRESS).status(), "the owner's usual address");
    for (int address = 0; address < 10; address++) {
      for (int attempt = 1; attempt <= 5; attempt++) {
        assertUnauthorized(login("owner", "wrong " + attempt, "203.0.113." + address));
      }
    }
    assertTooMany(login("owner", Team.PASSWORD, "203.0.113.200"));
    assertEquals(200, login("owner", Team.PASSWORD, OWNER_ADDRESS).status(),
        "an address the user logged in from recently stays open");

    clock.advance(Duration.ofMinutes(15).plusSeconds(1));
    assertEquals(200, login("owner", Team.PASSWORD, "203.0.113.200").status(), "slowed, never locked for good");
  }

  // Today (item 4): the flags do not exist (start-up refuses them); before them, hashing had no bound at all.
  @Test
  void loginsBeyondTheHashingQueueGet429() throws Exception {
    // The default's cost per hash, so that the flood's requests overlap one hash.
    start(StoreKind.SQLITE, "--password-hash-threads", "1", "--password-hash-queue", "0",
        "--password-hash-iterations", "210000",
        "--trusted-proxies", "127.0.0.1");

    List<Reply> flood = Concurrently.run(12, i -> login("user-" + i, "wrong", "192.0.2." + i));

    assertEquals(12, count(flood, 401) + count(flood, 429), "only 401 or 429: " + flood);
    assertTrue(count(flood, 429) >= 1, "one hash at a time: the others are refused at once: " + flood);
    assertTrue(count(flood, 401) >= 1, "the first is checked: " + flood);
    flood.stream().filter(r -> r.status() == 429).forEach(LoginLimitsTest::assertTooMany);
    assertEquals(200, login("owner", Team.PASSWORD, null).status(), "logins work again once the flood is over");
  }
}
