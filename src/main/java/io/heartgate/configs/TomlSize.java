package io.heartgate.configs;

import io.heartgate.core.TooLarge;
import java.nio.charset.StandardCharsets;

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
    if (toml.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
      throw new TooLarge(TOML, TOML + " must be at most " + MAX_BYTES + " bytes of UTF-8");
    }
  }
}
