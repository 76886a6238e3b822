package io.heartgate.configs;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.heartgate.constants.ConstantService;
import io.heartgate.constants.DefinedConstants;
import io.heartgate.metrics.ConfigRenderMeters;
import io.heartgate.store.CoalescedRead;
import io.vertx.core.Future;

/**
 * A config as downloads serve it now: its current TOML version (found by id or alias), the constants it uses, and
 * its TOML parsed once per version. Read from the store by a {@link CoalescedRead}, so every download sees every
 * change committed before it arrived, on any node, while all the downloads waiting for a config share one read:
 * one indexed lookup of the config's row, one of its constants (none when it uses none), and its TOML only the
 * first time a version is served.
 */
final class ServedConfigs {
  /**
   * Parsed TOML kept, in estimated bytes (2 a character, and {@link #PLACEHOLDER_BYTES} a placeholder): every
   * config's current version at 1 MiB of TOML each would be 16 configs, at a typical few kilobytes thousands. A
   * template is only parsed again when it fell out, which costs one read of its TOML; a setting would only move
   * that trade-off.
   */
  private static final long TEMPLATE_BYTES = 32L * 1024 * 1024;
  /**
   * What a placeholder's part of a template holds beyond its characters: a record and two strings. A TOML of
   * {@code &{a}} only, weighed at its characters alone, held eight times its weight, and four of 1 MiB ran a node
   * of 128 MiB out of memory.
   */
  private static final int PLACEHOLDER_BYTES = 128;

  /**
   * What a download is made of, read in one go.
   *
   * @param version the TOML version of {@code document}
   * @param constants the constants the document uses, as they were when read
   */
  record Current(ConfigDocument document, int version, DefinedConstants constants) {
  }

  private record TemplateKey(String id, int version) {
  }

  /** @param chars the length of the TOML it was parsed from, for its weight */
  private record Parsed(TomlTemplate template, int chars) {
    int weight() {
      return (int) Math.min(Integer.MAX_VALUE, 2L * chars + (long) PLACEHOLDER_BYTES * template.placeholders());
    }
  }

  private final ConfigRepository configs;
  private final ConstantService constants;
  private final ConfigRenderMeters meters;
  private final Cache<TemplateKey, Parsed> templates = Caffeine.newBuilder()
      .maximumWeight(TEMPLATE_BYTES)
      .weigher((TemplateKey key, Parsed parsed) -> parsed.weight())
      .executor(Runnable::run)
      .build();
  private final CoalescedRead<String, Current> reads = new CoalescedRead<>(this::read);

  ServedConfigs(ConfigRepository configs, ConstantService constants, ConfigRenderMeters meters) {
    this.configs = configs;
    this.constants = constants;
    this.meters = meters;
  }

  /** The config {@code idOrAlias} names (an id first, else an alias) as it is now; 404 when none. */
  Future<Current> current(String idOrAlias) {
    return reads.get(idOrAlias);
  }

  private Future<Current> read(String idOrAlias) {
    // A version read as current may be pruned (after a newer one) before its TOML is read: read again, once.
    return readOnce(idOrAlias)
        .recover(e -> e instanceof VersionGone ? readOnce(idOrAlias) : Future.failedFuture(e))
        .recover(e -> Future.failedFuture(e instanceof VersionGone ? ConfigService.notFound() : e));
  }

  private Future<Current> readOnce(String idOrAlias) {
    meters.storeRead(ConfigRenderMeters.Read.CONFIG);
    return configs.current(idOrAlias)
        .compose(row -> row.map(Future::succeededFuture).orElseGet(() -> Future.failedFuture(
            ConfigService.notFound())))
        .compose(row -> template(row).compose(template -> {
          ConfigDocument document = new ConfigDocument(row.id(), row.name(), template, row.tomlChangedAt());
          return constants.named(document.constants()).map(defined -> new Current(document, row.version(), defined));
        }));
  }

  /** The version's TOML, parsed: from the cache, else read from the config's versions (a version never changes). */
  private Future<TomlTemplate> template(ConfigRepository.CurrentVersion row) {
    TemplateKey key = new TemplateKey(row.id(), row.version());
    Parsed cached = templates.getIfPresent(key);
    if (cached != null) {
      return Future.succeededFuture(cached.template());
    }
    return configs.version(row.id(), row.version()).compose(version -> version
        .map(found -> {
          Parsed parsed = new Parsed(TomlTemplate.of(found.toml()), found.toml().length());
          templates.put(key, parsed);
          return Future.succeededFuture(parsed.template());
        })
        // Pruned, or the config deleted, since its row was read.
        .orElseGet(() -> Future.failedFuture(new VersionGone())));
  }

  /** The version read as current was gone when its TOML was read. */
  private static final class VersionGone extends RuntimeException {
    VersionGone() {
      super(null, null, false, false);
    }
  }
}
