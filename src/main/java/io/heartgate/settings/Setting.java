package io.heartgate.settings;

import io.heartgate.core.TokenSyntax;
import java.util.Arrays;
import java.util.Optional;
import java.util.function.Function;

/**
 * Every start-up setting: its key in conf/heartgate.json, its environment variable, its flag, what it accepts.
 * Defaults live in conf/heartgate.json only (bundled in the jar), so they are written down once.
 */
public enum Setting {
  HOST("host", "BIND_ADDRESS", "--host", false,
      "address both listeners bind to", "an IP address or host name", Setting::host),
  PORT("port", "APP_PORT", "--port", false,
      "API listener port", "a port number 1-65535", Setting::port),
  HEARTBEAT_PORT("heartbeatPort", "HEARTBEAT_PORT", "--heartbeat-port", false,
      "heartbeat listener port (same as the API port = one listener)", "a port number 1-65535", Setting::port),
  DATABASE("database", "DATABASE_URL", "--database", true,
      "store location", DatabaseUrl.FORM, DatabaseUrl::parse),
  DATABASE_POOL_SIZE("databasePoolSize", "DATABASE_POOL_SIZE", "--database-pool-size", false,
      "PostgreSQL connections per node (SQLite always uses one)", "an integer 1-200", v -> integer(v, 1, 200)),
  DATABASE_SOCKET_TIMEOUT("databaseSocketTimeoutSeconds", "DATABASE_SOCKET_TIMEOUT_SECONDS",
      "--database-socket-timeout", false, "PostgreSQL: seconds a connection may wait for a byte of an answer "
          + "before it is closed as dead; no statement may take longer (0: as long as TCP does)",
      "an integer 0-3600", v -> integer(v, 0, 3600)),
  DISABLED_AUTH_ENDPOINTS("disabledAuthEndpoints", "DISABLED_AUTH_ENDPOINTS", "--disable-auth-endpoints", false,
      "endpoint groups served without authentication", AuthGroup.FORM, AuthGroup::parseList),
  OWNER_USERNAME("ownerUsername", "OWNER_USERNAME", "--owner-username", false,
      "creates the owner at first start (with OWNER_PASSWORD)", "a user name", v -> v),
  OWNER_PASSWORD("ownerPassword", "OWNER_PASSWORD", "--owner-password", true,
      "password of the owner created at first start", "a password of at least 8 characters", Setting::password),
  OWNER_TOKEN("ownerToken", "OWNER_TOKEN", "--owner-token", true,
      "bootstrap API token of the owner, re-evaluated at every start", TokenSyntax.FORM, Setting::token),
  SESSION_SECRET("sessionSecret", "SESSION_SECRET", "--session-secret", true,
      "signs session cookies; the same on every node (generated and stored when empty)",
      "at least 32 characters", Setting::sessionSecret),
  HEARTBEAT_QUEUE_SIZE("heartbeatQueueSize", "HEARTBEAT_QUEUE_SIZE", "--heartbeat-queue-size", false,
      "heartbeats waiting for the store before new ones get 503", "an integer 1-10000000",
      v -> integer(v, 1, 10_000_000)),
  HEARTBEAT_COMMIT_WINDOW("heartbeatCommitWindowMs", "HEARTBEAT_COMMIT_WINDOW_MS", "--heartbeat-commit-window",
      false, "milliseconds after the previous heartbeat batch started before one of fewer than 32 agents starts "
          + "(0: at once), so that heartbeats arriving meanwhile share its transaction", "an integer 0-100",
      v -> integer(v, 0, 100)),
  TRUSTED_PROXIES("trustedProxies", "TRUSTED_PROXIES", "--trusted-proxies", false,
      "reverse proxies whose X-Forwarded-For names the agent's address", TrustedProxies.FORM,
      TrustedProxies::parse),
  AGENT_SWEEP_INTERVAL("agentSweepIntervalSeconds", "AGENT_SWEEP_INTERVAL_SECONDS", "--agent-sweep-interval",
      false, "seconds between runs of the job that auto-deletes silent agents (one node runs it)",
      "an integer 1-3600", v -> integer(v, 1, 3600)),
  LOG_FORMAT("logFormat", "LOG_FORMAT", "--log-format", false,
      "how log lines are written: text for people, json for one JSON object per line", LogFormat.FORM,
      LogFormat::parse),
  LOG_LEVEL("logLevel", "LOG_LEVEL", "--log-level", false,
      "least severe level written by Heartgate's loggers (libraries stay at info or above)", LogLevel.FORM,
      LogLevel::parse),
  ACCESS_LOG("accessLog", "ACCESS_LOG", "--access-log", false,
      "one log line per HTTP request: method, route, status, duration, client address (never headers or query)",
      "true or false", Setting::bool),
  HTTP_METRICS("httpMetrics", "HTTP_METRICS", "--http-metrics", false,
      "Vert.x's meters of every HTTP request in /metrics (method, status, route); they cost CPU on every request",
      "true or false", Setting::bool),
  SSL_CERT("sslCert", "SSL_CERT_PATH", "--ssl-cert", false,
      "PEM certificate (chain) of every listener; HTTPS when set with SSL_KEY_PATH", "a file path, or empty",
      v -> v.trim()),
  SSL_KEY("sslKey", "SSL_KEY_PATH", "--ssl-key", false,
      "PEM private key of the certificate", "a file path, or empty", v -> v.trim()),
  MAX_CONNECTIONS("maxConnections", "MAX_CONNECTIONS", "--max-connections", false,
      "open connections to this node, both listeners together; more are closed as they arrive",
      "an integer 1-1000000", v -> integer(v, 1, 1_000_000)),
  MAX_CONNECTIONS_PER_ADDRESS("maxConnectionsPerAddress", "MAX_CONNECTIONS_PER_ADDRESS",
      "--max-connections-per-address", false,
      "open connections from one client address, an IPv6 client's /64 (trusted proxies are exempt)",
      "an integer 1-1000000", v -> integer(v, 1, 1_000_000)),
  HEADER_TIMEOUT("requestHeaderTimeoutSeconds", "REQUEST_HEADER_TIMEOUT_SECONDS", "--request-header-timeout",
      false, "seconds a connection has to send a request's headers after connecting",
      "an integer 1-300", v -> integer(v, 1, 300)),
  KEEP_ALIVE("keepAliveSeconds", "KEEP_ALIVE_SECONDS", "--keep-alive", false,
      "seconds a connection stays open without a request after an answer (at most the header timeout)",
      "an integer 1-300", v -> integer(v, 1, 300)),
  BODY_TIMEOUT("requestBodyTimeoutSeconds", "REQUEST_BODY_TIMEOUT_SECONDS", "--request-body-timeout", false,
      "seconds a request has to send its whole body once the gateway starts reading it; then the connection is "
          + "closed", "an integer 1-3600", v -> integer(v, 1, 3600)),
  IDLE_TIMEOUT("idleTimeoutSeconds", "IDLE_TIMEOUT_SECONDS", "--idle-timeout", false,
      "seconds without any byte read or written before a connection is closed (a request unanswered 2 s before "
          + "that is answered 503)", "an integer 1-3600",
      v -> integer(v, 1, 3600)),
  REQUEST_BUFFER_MIB("requestBufferMib", "REQUEST_BUFFER_MIB", "--request-buffer-mib", false,
      "MiB of request bodies buffered at once, all requests together (a quarter of it at most from one "
          + "client); beyond it 503 + Retry-After (0: a sixteenth of the heap)", "an integer 0-65536",
      v -> integer(v, 0, 65536)),
  HTTP2_CLEARTEXT("http2Cleartext", "HTTP2_CLEARTEXT", "--http2-cleartext", false,
      "accept HTTP/2 without TLS (h2c)", "true or false", Setting::bool),
  PASSWORD_HASH_THREADS("passwordHashThreads", "PASSWORD_HASH_THREADS", "--password-hash-threads", false,
      "threads that hash passwords (logins, password changes), apart from every other work (0: half the cores)",
      "an integer 0-64", v -> integer(v, 0, 64)),
  PASSWORD_HASH_QUEUE("passwordHashQueue", "PASSWORD_HASH_QUEUE", "--password-hash-queue", false,
      "password hashes that may wait for a thread; beyond them logins get 429 + Retry-After",
      "an integer 0-10000", v -> integer(v, 0, 10_000)),
  PASSWORD_HASH_ITERATIONS("passwordHashIterations", "PASSWORD_HASH_ITERATIONS", "--password-hash-iterations", false,
      "PBKDF2-HMAC-SHA512 iterations of the passwords hashed from now on (stored hashes keep their own)",
      "an integer 1000-10000000", v -> integer(v, 1_000, 10_000_000));

  private final String key;
  private final String env;
  private final String flag;
  private final boolean secret;
  private final String description;
  private final String expected;
  private final Function<String, Object> parser;

  Setting(String key, String env, String flag, boolean secret, String description, String expected,
      Function<String, Object> parser) {
    this.key = key;
    this.env = env;
    this.flag = flag;
    this.secret = secret;
    this.description = description;
    this.expected = expected;
    this.parser = parser;
  }

  public String key() {
    return key;
  }

  public String env() {
    return env;
  }

  public String flag() {
    return flag;
  }

  /** Secrets are never printed: not in errors, not in /api/settings, not in logs. */
  public boolean secret() {
    return secret;
  }

  public String description() {
    return description;
  }

  public String expected() {
    return expected;
  }

  /** Parses a raw value; throws IllegalArgumentException when it is not of the expected form. */
  Object parse(String raw) {
    return parser.apply(raw);
  }

  static Optional<Setting> byKey(String key) {
    return Arrays.stream(values()).filter(s -> s.key.equals(key)).findFirst();
  }

  static Optional<Setting> byFlag(String flag) {
    return Arrays.stream(values()).filter(s -> s.flag.equals(flag)).findFirst();
  }

  private static Object port(String v) {
    return integer(v, 1, 65535);
  }

  private static Object integer(String v, int min, int max) {
    int n;
    try {
      n = Integer.parseInt(v.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not an integer");
    }
    if (n < min || n > max) {
      throw new IllegalArgumentException("out of range");
    }
    return n;
  }

  private static Object bool(String v) {
    String value = v.trim();
    if (!value.equals("true") && !value.equals("false")) {
      throw new IllegalArgumentException("not true or false");
    }
    return Boolean.parseBoolean(value);
  }

  private static Object host(String v) {
    String host = v.trim();
    if (host.isEmpty() || !host.matches("[A-Za-z0-9.:\\-\\[\\]%]+")) {
      throw new IllegalArgumentException("not an address");
    }
    return host;
  }

  private static Object password(String v) {
    if (!v.isEmpty() && v.length() < 8) {
      throw new IllegalArgumentException("too short");
    }
    return v;
  }

  private static Object token(String v) {
    if (!v.isEmpty() && !TokenSyntax.isWellFormed(v)) {
      throw new IllegalArgumentException("not an API token");
    }
    return v;
  }

  private static Object sessionSecret(String v) {
    if (!v.isEmpty() && v.length() < 32) {
      throw new IllegalArgumentException("too short");
    }
    return v;
  }
}
