package io.heartgate.constants;

import io.vertx.core.Future;
import java.util.Set;

/**
 * Reads the values of constants: as they are in the store ({@link ConstantService#named}), or as a change about to
 * be made would leave them, so that what a document would look like after it can be checked before it is made.
 */
@FunctionalInterface
public interface ConstantLookup {
  /** The defined constants among these names. */
  Future<DefinedConstants> named(Set<String> names);

  /** The same constants with {@code name} holding {@code value}. */
  default ConstantLookup with(String name, String value) {
    return names -> named(names).map(defined -> defined.with(name, value));
  }
}
