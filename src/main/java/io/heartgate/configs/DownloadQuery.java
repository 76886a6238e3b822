package io.heartgate.configs;

import io.heartgate.core.Invalid;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The query string of a TOML download, which fills the config's parameters: values decoded as UTF-8 form data
 * ({@code +} is a space), names matched exactly (Vert.x's own parameter map ignores case, and {@code &{Host}} and
 * {@code &{host}} are two parameters).
 */
final class DownloadQuery {
  private final Map<String, List<String>> values;

  private DownloadQuery(Map<String, List<String>> values) {
    this.values = values;
  }

  /** Parses the raw (still encoded) query string, null or empty for none; 400 naming {@code query} if malformed. */
  static DownloadQuery parse(String rawQuery) {
    Map<String, List<String>> values = new HashMap<>();
    if (rawQuery == null || rawQuery.isEmpty()) {
      return new DownloadQuery(values);
    }
    for (String pair : rawQuery.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int equals = pair.indexOf('=');
      try {
        String name = URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), StandardCharsets.UTF_8);
        String value = equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
        values.computeIfAbsent(name, ignored -> new ArrayList<>()).add(value);
      } catch (IllegalArgumentException malformed) {
        throw new Invalid("query", "The query string is malformed");
      }
    }
    return new DownloadQuery(values);
  }

  /** Every value given for the name, joined with ", "; null when the query has none. */
  String joined(String name) {
    List<String> given = values.get(name);
    return given == null ? null : String.join(", ", given);
  }
}
