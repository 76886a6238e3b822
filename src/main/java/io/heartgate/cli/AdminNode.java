package io.heartgate.cli;

import io.heartgate.audit.AuditLog;
import io.heartgate.auth.AuthChanges;
import io.heartgate.auth.Invalidation;
import io.heartgate.bus.Addresses;
import io.heartgate.bus.LocalCodec;
import io.heartgate.metrics.LoginMeters;
import io.heartgate.settings.DatabaseUrl;
import io.heartgate.settings.Settings;
import io.heartgate.store.KeyValues;
import io.heartgate.store.Migrations;
import io.heartgate.store.Store;
import io.heartgate.tokens.TokenRepository;
import io.heartgate.tokens.TokenService;
import io.heartgate.users.LoginAttemptRepository;
import io.heartgate.users.LoginLimits;
import io.heartgate.users.PasswordHasher;
import io.heartgate.users.SessionRepository;
import io.heartgate.users.SessionService;
import io.heartgate.users.UserRepository;
import io.heartgate.users.UserService;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The part of a node an admin command needs: Vert.x, the store and the services that keep the rules, without
 * listeners. Works whether or not gateways run on the same store. Used from the command's thread, never from a
 * Vert.x context, and closed when the command ends.
 */
final class AdminNode implements AutoCloseable {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  /** The admin commands run one statement at a time. */
  private static final int POOL_SIZE = 2;

  private final Vertx vertx;
  private final Store store;
  private final Settings settings;
  private final Clock clock;

  private AdminNode(Vertx vertx, Store store, Settings settings, Clock clock) {
    this.vertx = vertx;
    this.store = store;
    this.settings = settings;
    this.clock = clock;
  }

  /**
   * Opens the store of the settings.
   *
   * @param mayCreate whether a SQLite file that does not exist yet may be created (migrate), rather than refused
   */
  static AdminNode open(Settings settings, boolean mayCreate, Clock clock) {
    if (!mayCreate && settings.database() instanceof DatabaseUrl.Sqlite sqlite && !Files.exists(sqlite.file())) {
      throw CommandFailure.failed("there is no store at " + sqlite.file().toAbsolutePath()
          + "; name it with --database or DATABASE_URL, or create it with migrate");
    }
    Vertx vertx = Vertx.vertx();
    LocalCodec.register(vertx, Invalidation.class);
    // No verifier runs in this process, so there is no cache here to drop: the announcement of a change is
    // answered at once, and gateways on the same PostgreSQL hear of it through the change feed. (A gateway on the
    // same SQLite file has no feed: it remembers an unknown token for two seconds at most, and reads sessions from
    // the store on every request.)
    try {
      await(vertx.eventBus().<Invalidation>consumer(Addresses.AUTH_INVALIDATE, message -> message.reply(null))
          .completion());
      return new AdminNode(vertx, await(Store.open(vertx, settings.database(), POOL_SIZE)), settings, clock);
    } catch (RuntimeException e) {
      await(vertx.close());
      throw e;
    }
  }

  Store store() {
    return store;
  }

  /** Brings the schema up to date as a starting node does; how many migrations ran now. */
  int migrate() {
    return await(Migrations.apply(store, clock));
  }

  /**
   * Refuses a store whose schema this release would change: only {@code migrate} (or a starting node) changes
   * it, so that no command upgrades the schema under nodes of an older release on the same store.
   */
  void requireCurrentSchema() {
    int pending = await(Migrations.pending(store));
    if (pending > 0) {
      throw CommandFailure.failed("the store lacks " + pending + " migration" + (pending == 1 ? "" : "s")
          + " of this release; run migrate first (it upgrades the schema for every node on this store)");
    }
  }

  TokenService tokens() {
    return new TokenService(new TokenRepository(store, clock), new UserRepository(store, clock), changes(),
        new AuditLog(store, clock), clock);
  }

  UserService users() {
    SessionService sessions = await(SessionService.start(new SessionRepository(store), new KeyValues(store),
        settings.sessionSecret(), clock));
    return new UserService(new UserRepository(store, clock), tokens(), sessions, new PasswordHasher(vertx, 1, 0,
        settings.passwordHashIterations()),
        new LoginLimits(new LoginAttemptRepository(store), clock), changes(), new AuditLog(store, clock), clock,
        // A command serves no /metrics: its login meters count into a registry nobody reads.
        new LoginMeters(new SimpleMeterRegistry()));
  }

  private AuthChanges changes() {
    return new AuthChanges(vertx, store);
  }

  /** Waits for the future from the command's thread; its failure is thrown as it is. */
  static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException runtime ? runtime : new IllegalStateException(e.getCause());
    } catch (TimeoutException e) {
      throw CommandFailure.failed("the store did not answer within " + TIMEOUT.toSeconds() + " s");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw CommandFailure.failed("interrupted");
    }
  }

  @Override
  public void close() {
    try {
      await(store.close());
    } finally {
      await(vertx.close());
    }
  }
}
