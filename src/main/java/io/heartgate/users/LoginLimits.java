package io.heartgate.users;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.heartgate.core.TooManyAttempts;
import io.heartgate.settings.TrustedProxies;
import io.heartgate.users.LoginAttemptRepository.Closed;
import io.heartgate.users.LoginAttemptRepository.Counter;
import io.heartgate.users.LoginAttemptRepository.Key;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * The login limits (README, "Login limits"). An attempt is counted when it starts, before its password is hashed,
 * so parallel guesses cannot outrun the count. Within 15 minutes: 5 attempts of one username from one client
 * address, 30 from one client address across usernames, 50 of one username across addresses. The attempt that
 * reaches a limit closes that counter for 15 minutes; a successful login gives its attempt back (and starts the
 * pair over). The per-username ceiling does not apply from an address the user logged in from in the last 30
 * days, so guessing from elsewhere never keeps a user out. Usernames are counted whether or not they exist.
 */
public final class LoginLimits {
  static final int PER_PAIR = 5;
  static final int PER_ADDRESS = 30;
  static final int PER_USER = 50;
  static final long WINDOW_MS = 15 * 60 * 1000L;
  static final long KNOWN_ADDRESS_MS = 30L * 24 * 60 * 60 * 1000;
  private static final long PURGE_EVERY_MS = 60 * 1000L;
  private static final String REFUSAL = "Too many failed logins; try again later";
  private static final Logger LOG = Logger.getLogger(LoginLimits.class.getName());

  private final LoginAttemptRepository attempts;
  private final Clock clock;
  private final AtomicLong lastPurge = new AtomicLong();
  /**
   * The pair and address counters this node saw close, with the time they open again: a flood from one client
   * is then refused from memory, neither counted nor audited again, so it costs the store nothing. Memory only
   * ever refuses, and only what the store itself closed; the store judges everything else.
   */
  private final Cache<Key, Long> closed = Caffeine.newBuilder()
      .executor(Runnable::run)
      .maximumSize(100_000)
      .expireAfterWrite(Duration.ofMillis(WINDOW_MS))
      .build();

  public LoginLimits(LoginAttemptRepository attempts, Clock clock) {
    this.attempts = attempts;
    this.clock = clock;
  }

  /** An attempt that was let through: the rows it was counted on. */
  record Attempt(Key pair, List<Key> wider, Key known) {
  }

  /** The refusal of a counter this node already saw close, without asking the store; null when there is none. */
  TooManyAttempts remembered(String username, String address) {
    long now = clock.millis();
    String client = TrustedProxies.clientNetwork(address);
    for (Key key : List.of(pair(client, username), address(client))) {
      Long until = closed.getIfPresent(key);
      if (until != null && until > now) {
        return refusal(until, now);
      }
    }
    return null;
  }

  /** Counts an attempt of the username from the client address; fails with a 429 past a limit. */
  Future<Attempt> admit(String username, String address) {
    long now = clock.millis();
    purgeNowAndThen(now);
    String client = TrustedProxies.clientNetwork(address);
    Key pair = pair(client, username);
    Key known = new Key("known", client + " " + username);
    return attempts.live(known, now).compose(fromKnownAddress -> {
      List<Key> wider = new ArrayList<>(List.of(address(client)));
      List<Counter> counters = new ArrayList<>(List.of(new Counter(pair, PER_PAIR, WINDOW_MS),
          new Counter(wider.get(0), PER_ADDRESS, WINDOW_MS)));
      if (!fromKnownAddress) {
        wider.add(new Key("user", username));
        counters.add(new Counter(wider.get(1), PER_USER, WINDOW_MS));
      }
      return attempts.count(counters, now).compose(refused -> refused.isEmpty()
          ? Future.succeededFuture(new Attempt(pair, List.copyOf(wider), known))
          : Future.failedFuture(remember(refused.get())));
    });
  }

  /** The attempt succeeded, so it was no failure: the pair starts over, the wider counters get it back. */
  Future<Void> succeeded(Attempt attempt) {
    long now = clock.millis();
    return attempts.succeeded(attempt.pair(), attempt.wider(), attempt.known(), now + KNOWN_ADDRESS_MS, now);
  }

  private TooManyAttempts remember(Closed counter) {
    // The user counter is not remembered: whether it applies depends on the address (known addresses pass).
    if (!counter.key().scope().equals("user")) {
      closed.put(counter.key(), counter.until());
    }
    // Read the time again: a parallel attempt may have closed the counter after this one started.
    return refusal(counter.until(), clock.millis());
  }

  /** Whether a 429 is this class's: a limit closed, as opposed to a full hashing pool. */
  static boolean isLimitRefusal(TooManyAttempts refusal) {
    return REFUSAL.equals(refusal.getMessage());
  }

  private static TooManyAttempts refusal(long until, long now) {
    return new TooManyAttempts(REFUSAL, (int) Math.max(1, (until - now + 999) / 1000));
  }

  private static Key pair(String client, String username) {
    return new Key("pair", client + " " + username);
  }

  private static Key address(String client) {
    return new Key("address", client);
  }

  /** Ended rows are dropped about once a minute per node, so names tried once do not pile up. */
  private void purgeNowAndThen(long now) {
    long last = lastPurge.get();
    if (now - last >= PURGE_EVERY_MS && lastPurge.compareAndSet(last, now)) {
      attempts.purgeEnded(now).onFailure(e -> LOG.warning("could not purge ended login counters: " + e.getMessage()));
    }
  }
}
