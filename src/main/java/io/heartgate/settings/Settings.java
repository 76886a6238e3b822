package io.heartgate.settings;

import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** The effective start-up settings, typed, after file, environment and flags were merged. */
public final class Settings {
  private final Map<Setting, Object> values;

  Settings(Map<Setting, Object> values) {
    this.values = new EnumMap<>(values);
  }

  public String host() {
    return (String) values.get(Setting.HOST);
  }

  public int apiPort() {
    return (Integer) values.get(Setting.PORT);
  }

  public int heartbeatPort() {
    return (Integer) values.get(Setting.HEARTBEAT_PORT);
  }

  public DatabaseUrl database() {
    return (DatabaseUrl) values.get(Setting.DATABASE);
  }

  public int databasePoolSize() {
    return (Integer) values.get(Setting.DATABASE_POOL_SIZE);
  }

  public int databaseSocketTimeoutSeconds() {
    return (Integer) values.get(Setting.DATABASE_SOCKET_TIMEOUT);
  }

  @SuppressWarnings("unchecked")
  public Set<AuthGroup> disabledAuthGroups() {
    return (Set<AuthGroup>) values.get(Setting.DISABLED_AUTH_ENDPOINTS);
  }

  public String ownerUsername() {
    return (String) values.get(Setting.OWNER_USERNAME);
  }

  public String ownerPassword() {
    return (String) values.get(Setting.OWNER_PASSWORD);
  }

  public String ownerToken() {
    return (String) values.get(Setting.OWNER_TOKEN);
  }

  public String sessionSecret() {
    return (String) values.get(Setting.SESSION_SECRET);
  }

  public int heartbeatQueueSize() {
    return (Integer) values.get(Setting.HEARTBEAT_QUEUE_SIZE);
  }

  public Duration heartbeatCommitWindow() {
    return Duration.ofMillis((Integer) values.get(Setting.HEARTBEAT_COMMIT_WINDOW));
  }

  public TrustedProxies trustedProxies() {
    return (TrustedProxies) values.get(Setting.TRUSTED_PROXIES);
  }

  public int agentSweepIntervalSeconds() {
    return (Integer) values.get(Setting.AGENT_SWEEP_INTERVAL);
  }

  public LogFormat logFormat() {
    return (LogFormat) values.get(Setting.LOG_FORMAT);
  }

  public LogLevel logLevel() {
    return (LogLevel) values.get(Setting.LOG_LEVEL);
  }

  /** Whether every HTTP request gets a line in the log (the handler is not even mounted when off). */
  public boolean accessLog() {
    return (Boolean) values.get(Setting.ACCESS_LOG);
  }

  /** Whether /metrics has Vert.x's meters of every HTTP request (the gateway's own meters are always there). */
  public boolean httpMetrics() {
    return (Boolean) values.get(Setting.HTTP_METRICS);
  }

  /** The PEM certificate of every listener, or null without TLS; {@link SettingsLoader} checks it comes with a key. */
  public Path sslCert() {
    String path = (String) values.get(Setting.SSL_CERT);
    return path.isEmpty() ? null : Path.of(path);
  }

  public Path sslKey() {
    String path = (String) values.get(Setting.SSL_KEY);
    return path.isEmpty() ? null : Path.of(path);
  }

  public boolean tls() {
    return sslCert() != null;
  }

  public int maxConnections() {
    return (Integer) values.get(Setting.MAX_CONNECTIONS);
  }

  public int maxConnectionsPerAddress() {
    return (Integer) values.get(Setting.MAX_CONNECTIONS_PER_ADDRESS);
  }

  public int requestHeaderTimeoutSeconds() {
    return (Integer) values.get(Setting.HEADER_TIMEOUT);
  }

  public int keepAliveSeconds() {
    return (Integer) values.get(Setting.KEEP_ALIVE);
  }

  public int requestBodyTimeoutSeconds() {
    return (Integer) values.get(Setting.BODY_TIMEOUT);
  }

  public int idleTimeoutSeconds() {
    return (Integer) values.get(Setting.IDLE_TIMEOUT);
  }

  /**
   * Bytes of request bodies buffered at once across all requests: the setting, or a sixteenth of the heap. A body
   * costs several times its size while it is served (its buffer, its JSON, what is stored and answered: about 7 MB
   * for a config of 900 KB), and with a quarter of a heap of 256 MiB, 200 clients saving large configs halted it.
   */
  public long requestBufferBytes() {
    int mib = (Integer) values.get(Setting.REQUEST_BUFFER_MIB);
    return mib > 0 ? mib * 1024L * 1024L : Runtime.getRuntime().maxMemory() / 16;
  }

  public boolean http2Cleartext() {
    return (Boolean) values.get(Setting.HTTP2_CLEARTEXT);
  }

  /** Threads of the password-hashing pool: the setting, or half the cores (at least one). */
  public int passwordHashThreads() {
    int threads = (Integer) values.get(Setting.PASSWORD_HASH_THREADS);
    return threads > 0 ? threads : Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
  }

  public int passwordHashQueue() {
    return (Integer) values.get(Setting.PASSWORD_HASH_QUEUE);
  }

  public int passwordHashIterations() {
    return (Integer) values.get(Setting.PASSWORD_HASH_ITERATIONS);
  }

  /** Every setting by its file key, as it is in effect, with secrets masked; for GET /api/settings and logs. */
  public Map<String, Object> masked() {
    Map<String, Object> shown = new LinkedHashMap<>();
    for (Setting setting : Setting.values()) {
      Object value = values.get(setting);
      if (value instanceof DatabaseUrl url) {
        shown.put(setting.key(), url.masked());
      } else if (setting.secret()) {
        shown.put(setting.key(), value.toString().isEmpty() ? "" : "****");
      } else if (value instanceof Set<?> groups) {
        shown.put(setting.key(), groups.stream().map(g -> ((AuthGroup) g).wireName()).toList());
      } else if (value instanceof TrustedProxies || value instanceof Enum<?>) {
        // As the operator writes it (the log format and level are enums that print themselves so).
        shown.put(setting.key(), value.toString());
      } else {
        shown.put(setting.key(), value);
      }
    }
    return shown;
  }
}
