package io.heartgate.configs;

import io.heartgate.core.StrictUtf8;
import io.heartgate.core.Invalid;
import io.heartgate.core.TooLarge;

/** The one size limit of a config's TOML, counted in the UTF-8 bytes it is stored and served as. */
public final class TomlSize {
  /** Largest TOML accepted; the API's 1 MiB request-body limit usually answers 413 first. */
  public static final int MAX_BYTES = 1024 * 1024;
  private static final String TOML = "toml";

  private TomlSize() {
  }

  /**
   * 413 naming {@code toml} when it is larger than {@link #MAX_BYTES}.
   *
   * @param toml text already checked to be valid Unicode (see {@code Check.text}), so its UTF-8 form is exact
   */
  static void require(String toml) {
    if (utf8Bytes(toml) > MAX_BYTES) {
      throw new TooLarge(TOML, TOML + " must be at most " + MAX_BYTES + " bytes of UTF-8");
    }
  }

  /**
   * The length in characters of a document filled in from a config's template, before it is built: 400 naming
   * {@code field} when it is beyond {@link #MAX_BYTES}, which its UTF-8 form would be too ({@code what} says which
   * document, e.g. "This config filled in with its constants").
   */
  public static int requireFilled(long chars, String field, String what) {
    if (chars > MAX_BYTES) {
      throw filledTooLarge(field, what);
    }
    return (int) chars;
  }

  /** The document filled in, once built: refused as {@link #requireFilled(long, String, String)} says, in bytes. */
  public static String requireFilled(String document, String field, String what) {
    if (utf8Bytes(document) > MAX_BYTES) {
      throw filledTooLarge(field, what);
    }
    return document;
  }

  private static long utf8Bytes(String text) {
    return StrictUtf8.length(text);
  }

  private static Invalid filledTooLarge(String field, String what) {
    return new Invalid(field, what + " would be larger than " + MAX_BYTES + " bytes, the most a config may hold");
  }
}
