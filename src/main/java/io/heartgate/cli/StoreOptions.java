package io.heartgate.cli;

import io.heartgate.settings.Setting;
import io.heartgate.settings.Settings;
import io.heartgate.settings.SettingsLoader;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * Where an admin command finds the store: the same sources as {@code serve}, a flag beating the environment
 * (DATABASE_URL, HEARTGATE_CONFIG, …) beating the config file.
 */
final class StoreOptions {
  @Option(names = "--database", paramLabel = "URL",
      description = "sqlite:<path> or postgres://user:pass@host:port/db (else DATABASE_URL, else the config file)")
  private String database;

  @Option(names = SettingsLoader.CONFIG_FLAG, paramLabel = "FILE",
      description = "config file (else HEARTGATE_CONFIG, else conf/heartgate.json when present)")
  private String config;

  /** Every setting, loaded and checked as serve loads them; an unusable one fails with exit code 2. */
  Settings settings(Terminal terminal) {
    List<String> flags = new ArrayList<>();
    if (database != null) {
      flags.addAll(List.of(Setting.DATABASE.flag(), database));
    }
    if (config != null) {
      flags.addAll(List.of(SettingsLoader.CONFIG_FLAG, config));
    }
    return SettingsLoader.load(flags, terminal.env());
  }
}
