package io.heartgate.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.LongSupplier;

/**
 * The token verifier's cache: lookups answered from it (hits) or loaded from the store (misses), its size, and the
 * invalidations it applied, by where they came from and what they dropped. Counters are registered once.
 */
public final class TokenCacheMeters {
  /** Where an invalidation came from. */
  public enum Origin {
    /** A change made on this node. */
    LOCAL("local"),
    /** A change made on another node, heard on the PostgreSQL change feed. */
    REMOTE("remote"),
    /** The change feed reconnected and may have missed changes: everything was dropped. */
    RESYNC("resync");

    private final String label;

    Origin(String label) {
      this.label = label;
    }
  }

  /** What an invalidation dropped: the scopes of {@code auth.Invalidation}, as labels. */
  public enum Scope {
    TOKEN_HASH("token_hash"),
    TOKEN_ID("token_id"),
    USER("user"),
    ALL("all");

    private final String label;

    Scope(String label) {
      this.label = label;
    }
  }

  static final String INVALIDATIONS = "heartgate.token.cache.invalidations";
  private final MeterRegistry registry;
  private final CacheLookups lookups;
  /** By origin, then scope. */
  private final Counter[][] invalidations;

  public TokenCacheMeters(MeterRegistry registry) {
    this.registry = registry;
    this.lookups = new CacheLookups(registry, "heartgate.token.cache.lookups",
        "Token lookups answered from the cache (hit) or loaded from the store (miss)");
    this.invalidations = new Counter[Origin.values().length][Scope.values().length];
    for (Origin origin : Origin.values()) {
      for (Scope scope : Scope.values()) {
        invalidations[origin.ordinal()][scope.ordinal()] = Counter.builder(INVALIDATIONS)
            .description("Invalidations applied to the token cache, by origin and scope")
            .tag("origin", origin.label)
            .tag("scope", scope.label)
            .register(registry);
      }
    }
  }

  public CacheLookups lookups() {
    return lookups;
  }

  public void invalidated(Origin origin, Scope scope) {
    invalidations[origin.ordinal()][scope.ordinal()].increment();
  }

  /** The cache's estimated number of entries (grants and briefly remembered unknown tokens), read when scraped. */
  public void watchSize(LongSupplier entries) {
    Gauge.builder("heartgate.token.cache.size", entries::getAsLong)
        .description("Entries in the token cache: grants and briefly remembered unknown tokens")
        .strongReference(true)
        .register(registry);
  }
}
