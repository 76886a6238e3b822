package io.heartgate.configs;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.heartgate.constants.DefinedConstants;
import io.heartgate.metrics.ConfigRenderMeters;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * Rendered config documents, so that a download asked again with the same parameters is not rendered again. An
 * entry is keyed by everything its document is made of (the config's id and TOML version, the values and change
 * times of the constants it uses, the values of its parameters), so it never goes stale: after a change the next
 * read gives another key, and the old entry only falls out of use.
 */
final class RenderedDocuments {
  /**
   * The bound, in estimated bytes: 2 a character of the document, its parameters and the constants in its key,
   * plus {@value #ENTRY_OVERHEAD} for the objects. A client varying a parameter (agent_id) evicts entries instead
   * of growing memory; 64 MiB holds ten thousand documents of 3 KB, and a fleet polling beyond that costs a render
   * (microseconds, no store read) per miss, so a setting would buy little.
   */
  static final long MAX_BYTES = 64L * 1024 * 1024;
  private static final int ENTRY_OVERHEAD = 200;

  /** @param parameters the value of each of the template's parameters, in its order; null when not given */
  private record Key(String id, int version, DefinedConstants constants, List<String> parameters) {
    int weight() {
      long chars = 0;
      for (String value : parameters) {
        chars += value == null ? 0 : value.length();
      }
      for (String value : constants.values().values()) {
        chars += value.length();
      }
      return (int) Math.min(Integer.MAX_VALUE, ENTRY_OVERHEAD + 2 * chars);
    }
  }

  private final ConfigRenderMeters meters;
  private final Cache<Key, ConfigService.Rendered> documents;

  RenderedDocuments(ConfigRenderMeters meters) {
    this(meters, MAX_BYTES);
  }

  /** @param maxBytes the bound: {@link #MAX_BYTES} but in tests */
  RenderedDocuments(ConfigRenderMeters meters, long maxBytes) {
    this.meters = meters;
    this.documents = Caffeine.newBuilder()
        .maximumWeight(maxBytes)
        .weigher((Key key, ConfigService.Rendered rendered) ->
            (int) Math.min(Integer.MAX_VALUE, key.weight() + 2L * rendered.toml().length()))
        // Evictions run on the caller's thread: no pool thread, and the bound holds when put returns.
        .executor(Runnable::run)
        .build();
    meters.watchBytes(() -> documents.policy().eviction().orElseThrow().weightedSize().orElse(0));
  }

  /** The document with its parameters from {@code query}; 400 as {@link TomlTemplate#render} says (not kept). */
  ConfigService.Rendered of(ServedConfig current, Function<String, String> query) {
    ConfigDocument document = current.document();
    String[] parameters = document.template().parameterNames().stream().map(query).toArray(String[]::new);
    Key key = new Key(document.id(), current.version(), current.constants(), Arrays.asList(parameters));
    ConfigService.Rendered cached = documents.getIfPresent(key);
    if (cached != null) {
      meters.lookups().hit();
      return cached;
    }
    meters.lookups().miss();
    ConfigService.Rendered rendered = new ConfigService.Rendered(document.render(query, current.constants()),
        current.lastModified());
    documents.put(key, rendered);
    return rendered;
  }
}
