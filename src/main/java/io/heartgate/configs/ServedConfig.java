package io.heartgate.configs;

import io.heartgate.constants.DefinedConstants;

/**
 * A config as downloads serve it, as one read of the store found it: its document, the TOML version it was read
 * from, and the constants it uses as they were.
 */
public record ServedConfig(ConfigDocument document, int version, DefinedConstants constants) {
  public String id() {
    return document.id();
  }

  public String name() {
    return document.name();
  }

  /** Its {@code Last-Modified} (epoch milliseconds): its TOML's change or a constant's, whichever is later. */
  public long lastModified() {
    return document.lastModified(constants);
  }
}
