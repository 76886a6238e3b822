package io.heartgate.constants;

import java.util.Set;

/** A document that uses a constant (a config), as the rules of constants need to see it; see {@link ConstantUsers}. */
public interface ConstantUser {
  String id();

  String name();

  /** The names of the constants the document uses. */
  Set<String> constants();

  /**
   * Fails with {@link io.heartgate.core.Invalid} on {@code field}, naming this document, when the document with
   * these constants filled in would not be valid TOML, or when a value would open or close a string or begin a
   * comment where it stands (and so move where later placeholders stand).
   */
  void requireFits(String field, DefinedConstants constants);

  /**
   * The earliest change time (epoch milliseconds) a constant the document uses may take so that the document's
   * Last-Modified, with these constants, moves to a later HTTP-date second: watching agents then reload.
   */
  long nextChangeAt(DefinedConstants constants);
}
