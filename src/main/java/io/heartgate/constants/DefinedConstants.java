package io.heartgate.constants;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The defined constants among some names, as documents use them: each one's value, to be filled in as written, and
 * when its value last changed, which a document's Last-Modified takes in. A name without a value is undefined.
 */
public record DefinedConstants(Map<String, String> values, Map<String, Long> changedAt) {
  public DefinedConstants {
    values = Map.copyOf(values);
    changedAt = Map.copyOf(changedAt);
  }

  /** The value of a defined constant; null when the name is undefined. */
  public String value(String name) {
    return values.get(name);
  }

  /** These constants among {@code names} only: what one document of several read together uses. */
  public DefinedConstants only(Set<String> names) {
    Map<String, String> kept = new HashMap<>();
    Map<String, Long> keptChanges = new HashMap<>();
    for (String name : names) {
      String value = values.get(name);
      if (value != null) {
        kept.put(name, value);
        keptChanges.put(name, changedAt.get(name));
      }
    }
    return new DefinedConstants(kept, keptChanges);
  }

  /** The same constants with {@code name} holding {@code value}: how documents would look after that change. */
  public DefinedConstants with(String name, String value) {
    Map<String, String> changed = new HashMap<>(values);
    changed.put(name, value);
    return new DefinedConstants(changed, changedAt);
  }

  /**
   * The Last-Modified (epoch milliseconds) of a document whose own text changed at {@code documentChangedAt} and
   * that uses the constants {@code used}: the latest of those changes, undefined constants left out.
   */
  public long lastModified(long documentChangedAt, Set<String> used) {
    long latest = documentChangedAt;
    for (String name : used) {
      latest = Math.max(latest, changedAt.getOrDefault(name, Long.MIN_VALUE));
    }
    return latest;
  }
}
