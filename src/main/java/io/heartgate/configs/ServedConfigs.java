package io.heartgate.configs;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.heartgate.constants.ConstantService;
import io.heartgate.core.Invalid;
import io.heartgate.metrics.ConfigRenderMeters;
import io.heartgate.store.CoalescedRead;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.IntStream;

/**
 * Configs as downloads serve them now: the current TOML version (found by id or alias), the constants it uses, and
 * its TOML parsed once per version. One config is read by a {@link CoalescedRead}, so every download sees every
 * change committed before it arrived, on any node, while all the downloads waiting for a config share one read:
 * one indexed lookup of the config's row, one of its constants (none when it uses none), and its TOML only the
 * first time a version is served. Several (a group's members) are read together by a read of their own: two
 * statements whatever their number, and the TOML of the versions not in the cache, ten versions a statement.
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
   * The characters of TOML that configs read together may hold: twice what a document may be once filled in (see
   * {@link TomlSize#requireFilled}). A group's members are refused on save beyond {@link TomlSize#MAX_BYTES}
   * together, so only the members of a group that no longer combines (which earlier builds let happen, and which then
   * does not hold its members back) get here, and only a filling in that halved their TOML could have served them.
   */
  static final long MAX_TOGETHER = 2L * TomlSize.MAX_BYTES;
  /**
   * Versions whose TOML one statement reads when they are not in the cache: the members of a group of ordinary size
   * at once, and no more than ten configs of 1 MiB held beyond {@link #MAX_TOGETHER} before it is checked.
   */
  private static final int TOML_READ = 10;

  private record TemplateKey(String id, int version) {
    static TemplateKey of(ConfigRepository.CurrentVersion row) {
      return new TemplateKey(row.id(), row.version());
    }
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
  private final CoalescedRead<String, ServedConfig> reads = new CoalescedRead<>(this::read);

  ServedConfigs(ConfigRepository configs, ConstantService constants, ConfigRenderMeters meters) {
    this.configs = configs;
    this.constants = constants;
    this.meters = meters;
  }

  /** The config {@code idOrAlias} names (an id first, else an alias) as it is now; 404 when none. */
  Future<ServedConfig> current(String idOrAlias) {
    return reads.get(idOrAlias);
  }

  /**
   * These configs as they are now, in the order of {@code ids}, read together: one statement for their current
   * versions, one for the constants they use, and one for the TOML of every ten versions not in the cache. 404
   * when one of them is gone. 400 naming {@code configIds} once their TOML together passes {@link #MAX_TOGETHER}
   * characters: the read holds it all (a hundred configs of 1 MiB would have been 200 MiB in one read). Not shared
   * with other calls: a group's download shares its own read.
   */
  Future<List<ServedConfig>> all(List<String> ids) {
    return againIfPruned(() -> readAll(ids));
  }

  private Future<ServedConfig> read(String idOrAlias) {
    return againIfPruned(() -> readOnce(idOrAlias));
  }

  /** A version read as current may be pruned (after a newer one) before its TOML is read: read again, once. */
  private static <T> Future<T> againIfPruned(Supplier<Future<T>> read) {
    return read.get()
        .recover(e -> e instanceof VersionGone ? read.get() : Future.failedFuture(e))
        .recover(e -> Future.failedFuture(e instanceof VersionGone ? ConfigService.notFound() : e));
  }

  private Future<ServedConfig> readOnce(String idOrAlias) {
    meters.storeRead(ConfigRenderMeters.Read.CONFIG);
    return configs.current(idOrAlias)
        .compose(row -> row.map(Future::succeededFuture).orElseGet(() -> Future.failedFuture(
            ConfigService.notFound())))
        .compose(row -> document(row).compose(document -> constants.named(document.constants())
            .map(defined -> new ServedConfig(document, row.version(), defined))));
  }

  private Future<List<ServedConfig>> readAll(List<String> ids) {
    return configs.currentOf(ids).compose(rows -> {
      Map<String, ConfigRepository.CurrentVersion> byId = new HashMap<>();
      rows.forEach(row -> byId.put(row.id(), row));
      if (!byId.keySet().containsAll(ids)) {
        return Future.failedFuture(ConfigService.notFound());
      }
      List<ConfigRepository.CurrentVersion> members = ids.stream().map(byId::get).toList();
      return parsed(members).compose(parsed -> {
        List<ConfigDocument> documents = IntStream.range(0, members.size())
            .mapToObj(i -> document(members.get(i), parsed.get(i)))
            .toList();
        List<Set<String>> used = documents.stream().map(ConfigDocument::constants).toList();
        Set<String> names = new HashSet<>();
        used.forEach(names::addAll);
        return constants.named(names).map(defined -> IntStream.range(0, documents.size())
            .mapToObj(i -> new ServedConfig(documents.get(i), members.get(i).version(), defined.only(used.get(i))))
            .toList());
      });
    });
  }

  private static ConfigDocument document(ConfigRepository.CurrentVersion row, Parsed parsed) {
    return new ConfigDocument(row.id(), row.name(), parsed.template(), row.tomlChangedAt());
  }

  private Future<ConfigDocument> document(ConfigRepository.CurrentVersion row) {
    return parsed(List.of(row)).map(parsed -> document(row, parsed.get(0)));
  }

  /**
   * The versions' TOML parsed, in their order: from the cache, the others read {@link #TOML_READ} at a time (a
   * version never changes). 400 naming {@code configIds} once their TOML together passes {@link #MAX_TOGETHER}
   * characters, checked before each read.
   */
  private Future<List<Parsed>> parsed(List<ConfigRepository.CurrentVersion> rows) {
    Map<TemplateKey, Parsed> found = new HashMap<>();
    List<ConfigRepository.CurrentVersion> missing = new ArrayList<>();
    for (ConfigRepository.CurrentVersion row : rows) {
      Parsed cached = templates.getIfPresent(TemplateKey.of(row));
      if (cached == null) {
        missing.add(row);
      } else {
        found.put(TemplateKey.of(row), cached);
      }
    }
    Future<Void> read = Future.succeededFuture();
    for (int from = 0; from < missing.size(); from += TOML_READ) {
      List<ConfigRepository.CurrentVersion> some = missing.subList(from, Math.min(from + TOML_READ, missing.size()));
      read = read.compose(ignored -> {
        requireTogether(found.values());
        return parse(some).map(parsed -> {
          found.putAll(parsed);
          return null;
        });
      });
    }
    return read.map(ignored -> {
      requireTogether(found.values());
      return rows.stream().map(row -> found.get(TemplateKey.of(row))).toList();
    });
  }

  private static void requireTogether(Collection<Parsed> parsed) {
    if (parsed.stream().mapToLong(Parsed::chars).sum() > MAX_TOGETHER) {
      throw new Invalid("configIds", "These configs' TOML together is more than " + MAX_TOGETHER
          + " characters, more than configs served together may hold");
    }
  }

  /** Reads the versions' TOML in one statement, parses it and caches it; fails when one of them is gone. */
  private Future<Map<TemplateKey, Parsed>> parse(List<ConfigRepository.CurrentVersion> rows) {
    meters.storeRead(ConfigRenderMeters.Read.TOML);
    return configs.tomlOf(rows).compose(tomls -> {
      Map<TemplateKey, Parsed> parsed = new HashMap<>();
      for (ConfigRepository.CurrentVersion row : rows) {
        String toml = tomls.get(row.id());
        if (toml == null) {
          // Pruned, or the config deleted, since its row was read.
          return Future.failedFuture(new VersionGone());
        }
        Parsed one = new Parsed(TomlTemplate.of(toml), toml.length());
        templates.put(TemplateKey.of(row), one);
        parsed.put(TemplateKey.of(row), one);
      }
      return Future.succeededFuture(parsed);
    });
  }

  /** The version read as current was gone when its TOML was read. */
  private static final class VersionGone extends RuntimeException {
    VersionGone() {
      super(null, null, false, false);
    }
  }
}
