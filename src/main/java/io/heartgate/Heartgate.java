package io.heartgate;

import io.heartgate.agents.AgentCounts;
import io.heartgate.agents.AgentRepository;
import io.heartgate.agents.AgentRoutes;
import io.heartgate.agents.AgentSearch;
import io.heartgate.agents.AgentService;
import io.heartgate.agents.AgentStatus;
import io.heartgate.agents.AgentSweeperVerticle;
import io.heartgate.audit.AuditLog;
import io.heartgate.audit.AuditRoutes;
import io.heartgate.auth.AuthChanges;
import io.heartgate.auth.Grant;
import io.heartgate.auth.Invalidation;
import io.heartgate.auth.TokenVerifier;
import io.heartgate.bus.LocalCodec;
import io.heartgate.configgroups.Combinability;
import io.heartgate.configgroups.ConfigGroupRepository;
import io.heartgate.configgroups.ConfigGroupRoutes;
import io.heartgate.configgroups.ConfigGroupService;
import io.heartgate.configs.AliasRepository;
import io.heartgate.configs.ConfigRepository;
import io.heartgate.configs.ConfigRoutes;
import io.heartgate.configs.ConfigService;
import io.heartgate.configs.ConfigsUsingConstants;
import io.heartgate.configs.TomlDownload;
import io.heartgate.constants.ConstantRepository;
import io.heartgate.constants.ConstantRoutes;
import io.heartgate.constants.ConstantService;
import io.heartgate.core.BuildInfo;
import io.heartgate.heartbeat.HeartbeatBacklog;
import io.heartgate.heartbeat.HeartbeatBatch;
import io.heartgate.heartbeat.HeartbeatRoutes;
import io.heartgate.heartbeat.HeartbeatWriterVerticle;
import io.heartgate.http.ApiDocsRoutes;
import io.heartgate.http.Authenticator;
import io.heartgate.http.BodyBudget;
import io.heartgate.http.ConnectionGuard;
import io.heartgate.http.ConsoleRoutes;
import io.heartgate.http.HealthRoutes;
import io.heartgate.http.InFlightLimit;
import io.heartgate.http.ListenerPorts;
import io.heartgate.http.MetricsRoutes;
import io.heartgate.http.OutOfMemory;
import io.heartgate.http.Readiness;
import io.heartgate.http.RouterVerticle;
import io.heartgate.http.Routes;
import io.heartgate.http.SettingsRoutes;
import io.heartgate.http.VersionRoutes;
import io.heartgate.labels.LabelRepository;
import io.heartgate.labels.LabelRoutes;
import io.heartgate.labels.LabelService;
import io.heartgate.metrics.AgentMeters;
import io.heartgate.metrics.ConfigDownloadMeters;
import io.heartgate.metrics.ConfigRenderMeters;
import io.heartgate.metrics.GatewayMetrics;
import io.heartgate.metrics.HeartbeatMeters;
import io.heartgate.metrics.LoginMeters;
import io.heartgate.metrics.RequestBufferMeters;
import io.heartgate.metrics.StoreMeters;
import io.heartgate.metrics.TokenCacheMeters;
import io.heartgate.reportingrules.ReportingRuleRepository;
import io.heartgate.reportingrules.ReportingRuleRoutes;
import io.heartgate.reportingrules.ReportingRuleService;
import io.heartgate.settings.Settings;
import io.heartgate.store.AdvisoryLock;
import io.heartgate.store.ExclusiveSection;
import io.heartgate.store.KeyValues;
import io.heartgate.store.Migrations;
import io.heartgate.store.Store;
import io.heartgate.tokens.OwnerTokenBootstrap;
import io.heartgate.tokens.TokenRepository;
import io.heartgate.tokens.TokenRoutes;
import io.heartgate.tokens.TokenService;
import io.heartgate.users.LoginAttemptRepository;
import io.heartgate.users.LoginLimits;
import io.heartgate.users.PasswordHasher;
import io.heartgate.users.SessionRepository;
import io.heartgate.users.SessionService;
import io.heartgate.users.UserRepository;
import io.heartgate.users.UserRoutes;
import io.heartgate.users.UserService;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A running gateway node: settings → store → migrations → verticles. Started and stopped from a plain thread
 * (main, a signal handler or a test), never from inside a Vert.x context.
 */
public final class Heartgate {
  private static final Logger LOG = Logger.getLogger(Heartgate.class.getName());
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
  /**
   * Opening and migrating the store is not held to the start timeout: a migration over a large store takes as
   * long as it takes (V8__agent_search indexes a million agents in 11-34 s here), and an unreachable store fails
   * at once anyway. The bound is only against a store that hangs.
   */
  private static final Duration MIGRATION_TIMEOUT = Duration.ofHours(1);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(9);

  private final Vertx vertx;
  /** Every meter of this node, scraped at GET /metrics. */
  private final GatewayMetrics metrics;
  private final Settings settings;
  /** Every reading of the time of day goes through it, so tests move time instead of waiting for it. */
  private final Clock clock;
  /** Names this node in logs and in the records of jobs that one node of a cluster runs. */
  private final String nodeId = UUID.randomUUID().toString();
  private Store store;
  private Readiness readiness;
  private TokenVerifier verifier;
  private String routerDeployment;
  private String writerDeployment;
  private String sweeperDeployment;
  private String verifierDeployment;
  /** Request bodies buffered at once, all requests together: one budget for the node. */
  private BodyBudget bodies;
  /** Shared by the writer (acknowledged, batches, queue) and the heartbeat routes (refusals). */
  private HeartbeatMeters heartbeatMeters;
  private HeartbeatBacklog heartbeatBacklog;

  private Heartgate(Vertx vertx, GatewayMetrics metrics, Settings settings, Clock clock) {
    this.vertx = vertx;
    this.metrics = metrics;
    this.settings = settings;
    this.clock = clock;
  }

  /** Starts a node on the system clock; see {@link #start(Settings, Clock)}. */
  public static Heartgate start(Settings settings) throws StartupException {
    return start(settings, Clock.systemUTC());
  }

  /** Starts a node and returns once both listeners accept connections; throws with a clear reason. */
  public static Heartgate start(Settings settings, Clock clock) throws StartupException {
    Optional<String> portProblem = ListenerPorts.unusable(settings);
    if (portProblem.isPresent()) {
      throw new StartupException(portProblem.get(), null);
    }
    int eventLoops = Runtime.getRuntime().availableProcessors();
    GatewayMetrics metrics = new GatewayMetrics();
    // Netty's epoll transport where it loads (Linux on x86-64 and ARM64): about 8 % less CPU per heartbeat than
    // Java NIO, which Vert.x falls back to elsewhere (README, "Netty's epoll transport"); see transport().
    Vertx vertx = metrics.buildVertx(new VertxOptions().setEventLoopPoolSize(eventLoops)
        .setPreferNativeTransport(true), settings.httpMetrics());
    vertx.exceptionHandler(Heartgate::unhandled);
    LocalCodec.register(vertx, Grant.class);
    LocalCodec.register(vertx, Invalidation.class);
    LocalCodec.register(vertx, HeartbeatBatch.class);
    LocalCodec.register(vertx, HeartbeatBatch.Outcome.class);
    Heartgate node = new Heartgate(vertx, metrics, settings, clock);
    node.bodies = new BodyBudget(settings.requestBufferBytes(), settings.requestBodyTimeoutSeconds() * 1000L,
        settings.trustedProxies());
    RequestBufferMeters.watch(metrics.registry(), node.bodies::heldBytes, settings.requestBufferBytes());
    try {
      await(node.openStore(), MIGRATION_TIMEOUT);
      await(node.deploy(eventLoops), START_TIMEOUT);
      return node;
    } catch (StartupException e) {
      node.stop();
      throw e;
    }
  }

  private Future<Void> openStore() {
    return Store.open(vertx, settings.database(), settings.databasePoolSize(),
        settings.databaseSocketTimeoutSeconds())
        .compose(opened -> {
          store = opened;
          readiness = new Readiness(store);
          heartbeatMeters = new HeartbeatMeters(metrics.registry(), storeLabel());
          return Migrations.apply(store, clock);
        })
        .compose(applied -> AgentSearch.indexed(store))
        .map(indexed -> {
          if (!indexed) {
            LOG.warning("the store has no trigram index for the agents search (the pg_trgm extension could not be "
                + "created): ?search= reads every agent; README, \"SQLite or PostgreSQL\", says how to add it");
          }
          return null;
        });
  }

  private Future<Void> deploy(int routerInstances) {
    verifier = new TokenVerifier(new TokenRepository(store, clock), store, clock,
        new TokenCacheMeters(metrics.registry()));
    return vertx.deployVerticle(verifier)
        .compose(id -> {
          verifierDeployment = id;
          heartbeatBacklog = new HeartbeatBacklog(settings.heartbeatQueueSize(), Runtime.getRuntime().maxMemory());
          return vertx.deployVerticle(new HeartbeatWriterVerticle(store, clock, heartbeatMeters, heartbeatBacklog,
              settings.heartbeatCommitWindow()));
        })
        .compose(id -> {
          writerDeployment = id;
          return vertx.deployVerticle(new AgentSweeperVerticle(store, clock,
              settings.agentSweepIntervalSeconds() * 1000L, nodeId));
        })
        .compose(id -> {
          sweeperDeployment = id;
          return SessionService.start(new SessionRepository(store), new KeyValues(store), settings.sessionSecret(),
              clock);
        })
        .compose(this::startFeatures)
        .compose(listeners -> deployRouters(listeners, routerInstances))
        .onSuccess(id -> routerDeployment = id)
        .mapEmpty();
  }

  private Future<String> deployRouters(Listeners listeners, int routerInstances) {
    ConnectionGuard connections = new ConnectionGuard(settings);
    return vertx.deployVerticle(
            () -> new RouterVerticle(settings, listeners.api(), listeners.heartbeat(), connections),
            new DeploymentOptions().setInstances(routerInstances));
  }

  /** What each listener serves. */
  private record Listeners(List<Routes> api, List<Routes> heartbeat) {
  }

  /** The store's kind as the meters label it: {@code sqlite} or {@code postgres}. */
  private String storeLabel() {
    return store.dialect().name().toLowerCase(Locale.ROOT);
  }

  /** The gauges read from the store, refreshed when scraped: whether it answers, and the agents by status. */
  private void watchStore(AgentRepository agents) {
    StoreMeters storeMeters = new StoreMeters(metrics.registry(), storeLabel());
    metrics.beforeEachScrape(() -> store.ping().andThen(pinged -> storeMeters.up(pinged.succeeded())));
    AgentCounts counts = new AgentCounts(agents, new AgentMeters(metrics.registry(), AgentStatus.WIRE_NAMES), clock);
    metrics.beforeEachScrape(counts::refresh);
  }

  /** Builds the features, applies the start-up bootstrap (owner, OWNER_TOKEN) and returns the routes. */
  private Future<Listeners> startFeatures(SessionService sessions) {
    AuditLog audit = new AuditLog(store, clock);
    AuthChanges changes = new AuthChanges(vertx, store);
    UserRepository users = new UserRepository(store, clock);
    TokenRepository tokens = new TokenRepository(store, clock);
    TokenService tokenService = new TokenService(tokens, users, changes, audit, clock);
    UserService userService = new UserService(users, tokenService, sessions,
        new PasswordHasher(vertx, settings.passwordHashThreads(), settings.passwordHashQueue(),
            settings.passwordHashIterations()),
        new LoginLimits(new LoginAttemptRepository(store), clock), changes, audit, clock,
        new LoginMeters(metrics.registry()));
    Authenticator auth = new Authenticator(vertx, verifier, settings.disabledAuthGroups(),
        sessions::resolve, bodies, settings.trustedProxies());
    Routes heartbeats = new HeartbeatRoutes(auth, settings.trustedProxies(), clock, heartbeatMeters,
        heartbeatBacklog);
    ReportingRuleService reportingRules = new ReportingRuleService(new ReportingRuleRepository(store), audit, clock);
    AgentRepository agentRepository = new AgentRepository(store);
    LabelService labels = new LabelService(new LabelRepository(store), audit, clock);
    AgentService agents = new AgentService(agentRepository, reportingRules, labels, audit, clock);
    agents.sampleForSearches();
    watchStore(agentRepository);
    ConfigRepository configs = new ConfigRepository(store);
    ConfigGroupRepository groups = new ConfigGroupRepository(store);
    Combinability combinability = new Combinability(vertx, groups);
    ExclusiveSection contentChanges = new ExclusiveSection(vertx, store, AdvisoryLock.GROUP_CONTENT,
        "Another change of configs, constants or config groups is being saved; try again");
    ConstantService constants = new ConstantService(new ConstantRepository(store),
        new ConfigsUsingConstants(configs, groups, combinability), contentChanges, audit, clock);
    ConfigRenderMeters renderMeters = new ConfigRenderMeters(metrics.registry());
    ConfigService configService = new ConfigService(configs, agents, labels, constants, audit, clock, groups,
        combinability, contentChanges, renderMeters);
    TomlDownload downloads = new TomlDownload(new ConfigDownloadMeters(metrics.registry()));
    // Listings grow with what is stored (a page of agents, every config, token, label, …). A node has one place per
    // 4 MiB of heap (64 at 256 MiB): a listing written a page at a time takes one (its pages are a few hundred KB);
    // an answer built whole holds about ten times its size while built, so it takes one per 100 KiB of its kind's
    // last answer (half of the places at most), then a tenth of them while it is written.
    InFlightLimit listings = new InFlightLimit(InFlightLimit.ofHeap(4L << 20, 16, 256), 1_000,
        "Too many listings are being built at once; try again");
    List<Routes> api = List.of(health(),
        heartbeats,
        new AgentRoutes(agents, labels, auth, listings),
        new LabelRoutes(labels, auth, listings),
        new ConfigRoutes(configService, labels, auth, settings.heartbeatPort(), downloads, listings),
        new ConstantRoutes(constants, auth, listings),
        new ConfigGroupRoutes(new ConfigGroupService(groups, configService, combinability, contentChanges,
            constants::named, new AliasRepository(store), audit, clock, renderMeters), auth, downloads, listings),
        new UserRoutes(userService, sessions, auth, settings.trustedProxies()),
        new TokenRoutes(tokenService, auth, clock, listings),
        new ReportingRuleRoutes(reportingRules, auth, listings),
        new AuditRoutes(audit, auth, listings),
        new SettingsRoutes(settings, auth),
        new VersionRoutes(BuildInfo.current()),
        new ApiDocsRoutes(),
        new MetricsRoutes(metrics, auth),
        new ConsoleRoutes());
    return userService.bootstrapOwner(settings.ownerUsername(), settings.ownerPassword())
        .compose(ignored -> new OwnerTokenBootstrap(tokens, users, changes).apply(settings.ownerToken()))
        .map(new Listeners(api, List.of(health(), heartbeats)));
  }

  private Routes health() {
    return new HealthRoutes(readiness)::mount;
  }

  public Settings settings() {
    return settings;
  }

  public String nodeId() {
    return nodeId;
  }

  /** The network transport, for the start-up line: {@code epoll}, or {@code Java NIO} and why not epoll. */
  public String transport() {
    if (vertx.isNativeTransportEnabled()) {
      return "epoll";
    }
    Throwable why = vertx.unavailableNativeTransportCause();
    while (why != null && why.getCause() != null) {
      why = why.getCause();
    }
    // The root cause says why ("Only supported on Linux", a library that did not load); the wrappers say nothing.
    return why == null ? "Java NIO" : "Java NIO (epoll unavailable: " + why + ")";
  }

  /**
   * Stops within about ten seconds: report not ready, stop accepting and finish in-flight requests, drain
   * the heartbeat writer, close the store, then Vert.x.
   */
  public void stop() {
    if (readiness != null) {
      readiness.startDraining();
    }
    long deadline = System.nanoTime() + STOP_TIMEOUT.toNanos();
    for (String deployment : new String[] {routerDeployment, sweeperDeployment, writerDeployment,
        verifierDeployment}) {
      if (deployment != null) {
        quietly("undeploy", vertx.undeploy(deployment), deadline);
      }
    }
    if (store != null) {
      quietly("close the store", store.close(), deadline);
    }
    quietly("close Vert.x", vertx.close(), deadline + Duration.ofSeconds(1).toNanos());
    metrics.close();
  }

  private static void quietly(String step, Future<?> future, long deadlineNanos) {
    try {
      await(future, Duration.ofNanos(Math.max(1, deadlineNanos - System.nanoTime())));
    } catch (StartupException e) {
      LOG.warning("could not " + step + " cleanly: " + e.getMessage());
    }
  }

  private static <T> T await(Future<T> future, Duration timeout) throws StartupException {
    try {
      return future.toCompletionStage().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new StartupException(e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      throw new StartupException("timed out after " + timeout.toSeconds() + " s", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StartupException("interrupted", e);
    }
  }

  /** The node could not start (or a step of stopping failed); the message says why, in one sentence. */
  public static final class StartupException extends Exception {
    StartupException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * A failure that no handler took (thrown in a Future's callback, say): halts when it is running out of memory,
   * else logs it, so that nothing fails unseen.
   */
  static void unhandled(Throwable failure) {
    OutOfMemory.exitOn(failure);
    LOG.log(Level.SEVERE, "unhandled failure", failure);
  }
}
