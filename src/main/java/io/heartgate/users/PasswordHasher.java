package io.heartgate.users;

import io.heartgate.core.TooManyAttempts;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.concurrent.Semaphore;
import java.util.function.Function;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * PBKDF2-HMAC-SHA512 with the configured iterations (210,000 by default, OWASP's advice) and a 16-byte salt (the
 * JDK's own implementation), on a small pool of its own: one hash costs about a tenth of a second of CPU, which
 * neither an event loop nor the store's worker threads may spend. At most {@code threads + queue} hashes are
 * running or waiting; beyond them the work is refused at once with a 429, before anything else is done for it.
 */
public final class PasswordHasher {
  private static final String ALGORITHM = "PBKDF2WithHmacSHA512";
  private static final String SCHEME = "pbkdf2-sha512";
  private static final int SALT_BYTES = 16;
  private static final int KEY_BITS = 512;
  private static final SecureRandom RANDOM = new SecureRandom();
  /** A place frees as soon as one hash ends (about a tenth of a second): a second is a fair wait. */
  private static final int RETRY_AFTER_SECONDS = 1;

  private final WorkerExecutor pool;
  private final int iterations;
  /** Compared against when the user does not exist, so that answer takes as long as a wrong password. */
  private final String decoy;
  /** Places on the pool: one per thread and per queue slot, taken before the work that needs a hash starts. */
  private final Semaphore places;

  /** @param iterations of each new hash (a stored hash is checked with its own) */
  public PasswordHasher(Vertx vertx, int threads, int queue, int iterations) {
    this.pool = vertx.createSharedWorkerExecutor("heartgate-password-hashing", threads);
    this.places = new Semaphore(threads + queue);
    this.iterations = iterations;
    this.decoy = SCHEME + "$" + iterations + "$AAAAAAAAAAAAAAAAAAAAAA==$AA==";
  }

  /**
   * Runs work that needs password hashes while holding a place on the pool, released when the work is done;
   * fails with a 429 at once, without running the work, when every place is taken.
   */
  public <T> Future<T> withPlace(Function<Place, Future<T>> work) {
    if (!places.tryAcquire()) {
      return Future.failedFuture(new TooManyAttempts("Too many passwords to check at once; try again shortly",
          RETRY_AFTER_SECONDS));
    }
    Future<T> done;
    try {
      done = work.apply(new Place());
    } catch (RuntimeException e) {
      done = Future.failedFuture(e);
    }
    return done.andThen(ignored -> places.release());
  }

  /** A new password's stored form; 429 when the pool is full. */
  public Future<String> hash(String password) {
    return withPlace(place -> place.hash(password));
  }

  /** Hashing on the pool, for the holder of a place. */
  public final class Place {
    private Place() {
    }

    public Future<String> hash(String password) {
      return pool.executeBlocking(() -> hashNow(password), false);
    }

    /** @param stored the stored hash, or null to spend the same time and answer false */
    public Future<Boolean> matches(String password, String stored) {
      return pool.executeBlocking(() -> {
        if (stored == null) {
          check(password, decoy);
          return false;
        }
        return check(password, stored);
      }, false);
    }
  }

  private String hashNow(String password) {
    byte[] salt = new byte[SALT_BYTES];
    RANDOM.nextBytes(salt);
    return SCHEME + "$" + iterations + "$" + Base64.getEncoder().encodeToString(salt) + "$"
        + Base64.getEncoder().encodeToString(derive(password, salt, iterations));
  }

  /** The stored form carries its scheme and iteration count, so a hash made with other parameters still checks. */
  private static boolean check(String password, String stored) {
    String[] parts = stored.split("\\$");
    if (parts.length != 4 || !parts[0].equals(SCHEME)) {
      return false;
    }
    byte[] salt = Base64.getDecoder().decode(parts[2]);
    byte[] expected = Base64.getDecoder().decode(parts[3]);
    return MessageDigest.isEqual(expected, derive(password, salt, Integer.parseInt(parts[1])));
  }

  private static byte[] derive(String password, byte[] salt, int iterations) {
    try {
      PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), salt, iterations, KEY_BITS);
      try {
        return SecretKeyFactory.getInstance(ALGORITHM).generateSecret(spec).getEncoded();
      } finally {
        spec.clearPassword();
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(ALGORITHM + " is part of every Java runtime", e);
    }
  }
}
