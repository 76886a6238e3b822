package io.heartgate.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.LongSupplier;

/**
 * How TOML downloads are served: rendered documents found in the cache (hits) or rendered (misses), its estimated
 * size, and the reads of the store made for downloads, each shared by every download that waited for it.
 * Counters are registered once.
 */
public final class ConfigRenderMeters {
  /** What a read of the store for downloads looked up. */
  public enum Read {
    /** A config's current version and the constants it uses. */
    CONFIG("config"),
    /** A config group with its members' current versions and the constants they use (again after a change). */
    GROUP("group"),
    /** What a short link {@code /c/{alias}} names. */
    ALIAS("alias"),
    /**
     * The TOML of versions not in the cache of parsed templates (served for the first time, or fallen out of it):
     * one statement, for a config or for several members of a group at once; also read when a group's members are
     * saved, to date the group.
     */
    TOML("toml");

    private final String label;

    Read(String label) {
      this.label = label;
    }
  }

  private final MeterRegistry registry;
  private final CacheLookups lookups;
  private final Counter[] reads;

  public ConfigRenderMeters(MeterRegistry registry) {
    this.registry = registry;
    this.lookups = new CacheLookups(registry, "heartgate.config.render.cache.lookups",
        "Rendered config documents found in the cache (hit) or rendered (miss)");
    this.reads = new Counter[Read.values().length];
    for (Read read : Read.values()) {
      reads[read.ordinal()] = Counter.builder("heartgate.config.render.store.reads")
          .description("Reads of the store for TOML downloads, each shared by all downloads waiting for it, by "
              + "what they looked up")
          .tag("of", read.label)
          .register(registry);
    }
  }

  public CacheLookups lookups() {
    return lookups;
  }

  public void storeRead(Read read) {
    reads[read.ordinal()].increment();
  }

  /** The cache's estimated size in bytes, read when scraped. */
  public void watchBytes(LongSupplier bytes) {
    Gauge.builder("heartgate.config.render.cache.bytes", bytes::getAsLong)
        .description("Estimated bytes of the rendered config documents cached")
        .baseUnit("bytes")
        .strongReference(true)
        .register(registry);
  }
}
