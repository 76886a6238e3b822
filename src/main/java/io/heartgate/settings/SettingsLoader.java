package io.heartgate.settings;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * Merges the settings: bundled defaults, then the config file, then environment variables, then flags
 * (a flag beats an environment variable beats the file).
 */
public final class SettingsLoader {
  static final String BUNDLED_DEFAULTS = "conf/heartgate.json";
  public static final String CONFIG_FLAG = "--config";
  static final String CONFIG_ENV = "HEARTGATE_CONFIG";
  private static final ObjectMapper JSON = new ObjectMapper()
      .configure(JsonParser.Feature.ALLOW_COMMENTS, true);

  private SettingsLoader() {
  }

  /** Where a raw value came from, named the way the operator wrote it. */
  private record Raw(String value, String source) {
  }

  public static Settings load(List<String> args, Map<String, String> env) {
    Map<String, String> flags = parseFlags(args);
    Map<Setting, Raw> raw = new EnumMap<>(Setting.class);
    readFile(bundledDefaults(), BUNDLED_DEFAULTS + " (bundled)", raw);
    configFile(flags, env).ifPresent(file -> readFile(readable(file), file.toString(), raw));
    for (Setting setting : Setting.values()) {
      String fromEnv = env.get(setting.env());
      if (fromEnv != null) {
        raw.put(setting, new Raw(fromEnv, setting.env()));
      }
      String fromFlag = flags.get(setting.flag());
      if (fromFlag != null) {
        raw.put(setting, new Raw(fromFlag, setting.flag()));
      }
    }
    Map<Setting, Object> values = new EnumMap<>(Setting.class);
    for (Setting setting : Setting.values()) {
      Raw value = raw.get(setting);
      if (value == null) {
        throw new InvalidSettingException("setting " + setting.key() + " has no default in " + BUNDLED_DEFAULTS);
      }
      try {
        values.put(setting, setting.parse(value.value()));
      } catch (IllegalArgumentException e) {
        String shown = setting.secret() ? "" : "=" + value.value();
        throw new InvalidSettingException("invalid " + value.source() + shown + ": " + e.getMessage()
            + "; expected " + setting.expected());
      }
    }
    if (((String) values.get(Setting.SSL_CERT)).isEmpty() != ((String) values.get(Setting.SSL_KEY)).isEmpty()) {
      throw new InvalidSettingException("TLS needs both " + Setting.SSL_CERT.env() + " (" + Setting.SSL_CERT.flag()
          + ") and " + Setting.SSL_KEY.env() + " (" + Setting.SSL_KEY.flag() + "); only one is set");
    }
    return new Settings(values);
  }

  /** The --help text: every setting with its flag, environment variable and default. */
  public static String help() {
    Map<Setting, Raw> defaults = new EnumMap<>(Setting.class);
    readFile(bundledDefaults(), BUNDLED_DEFAULTS, defaults);
    StringBuilder text = new StringBuilder()
        .append("Usage: java -jar heartgate.jar [serve] [--flag value]...\n")
        .append("A flag beats an environment variable beats the config file.\n\n");
    text.append(String.format("  %-28s %-24s %s%n", CONFIG_FLAG + " <file>", CONFIG_ENV,
        "config file (default: " + BUNDLED_DEFAULTS + " when present, else the bundled defaults)"));
    for (Setting setting : Setting.values()) {
      String shownDefault = defaults.containsKey(setting) ? defaults.get(setting).value() : "";
      text.append(String.format("  %-28s %-24s %s%n", setting.flag() + " <value>", setting.env(),
          setting.description() + "; " + setting.expected()
              + " (default: " + (shownDefault.isEmpty() ? "none" : "\"" + shownDefault + "\"") + ")"));
    }
    text.append(String.format("  %-28s %-24s %s%n", "--help", "", "prints this text"));
    return text.toString();
  }

  private static Map<String, String> parseFlags(List<String> args) {
    Map<String, String> flags = new LinkedHashMap<>();
    for (Iterator<String> it = args.iterator(); it.hasNext(); ) {
      String arg = it.next();
      String name = arg;
      String value = null;
      int eq = arg.indexOf('=');
      if (arg.startsWith("--") && eq > 0) {
        name = arg.substring(0, eq);
        value = arg.substring(eq + 1);
      }
      if (!name.equals(CONFIG_FLAG) && Setting.byFlag(name).isEmpty()) {
        throw new InvalidSettingException("unknown argument " + name + "; see --help");
      }
      if (value == null) {
        if (!it.hasNext()) {
          throw new InvalidSettingException("flag " + name + " needs a value; see --help");
        }
        value = it.next();
      }
      flags.put(name, value);
    }
    return flags;
  }

  private static java.util.Optional<Path> configFile(Map<String, String> flags, Map<String, String> env) {
    if (flags.containsKey(CONFIG_FLAG)) {
      return java.util.Optional.of(Path.of(flags.get(CONFIG_FLAG)));
    }
    if (env.containsKey(CONFIG_ENV)) {
      return java.util.Optional.of(Path.of(env.get(CONFIG_ENV)));
    }
    Path local = Path.of(BUNDLED_DEFAULTS);
    return Files.isRegularFile(local) ? java.util.Optional.of(local) : java.util.Optional.empty();
  }

  private static JsonNode readable(Path file) {
    try {
      return JSON.readTree(file.toFile());
    } catch (IOException e) {
      String reason = Files.exists(file) ? "cannot be read as JSON (" + firstLine(e.getMessage()) + ")"
          : "does not exist";
      throw new InvalidSettingException("invalid config file " + file + ": it " + reason
          + "; expected a readable JSON object of settings (see " + BUNDLED_DEFAULTS + ")");
    }
  }

  private static JsonNode bundledDefaults() {
    try (InputStream in = SettingsLoader.class.getClassLoader().getResourceAsStream(BUNDLED_DEFAULTS)) {
      if (in == null) {
        throw new IllegalStateException(BUNDLED_DEFAULTS + " is missing from the class path");
      }
      return JSON.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void readFile(JsonNode root, String source, Map<Setting, Raw> into) {
    if (root == null || !root.isObject()) {
      throw new InvalidSettingException("invalid config file " + source + ": expected a JSON object of settings");
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      Setting setting = Setting.byKey(field.getKey()).orElseThrow(() -> new InvalidSettingException(
          "unknown setting " + field.getKey() + " in " + source + "; expected one of " + keys()));
      into.put(setting, new Raw(text(field.getValue(), setting, source), setting.key() + " in " + source));
    }
  }

  private static String text(JsonNode node, Setting setting, String source) {
    if (node.isArray()) {
      List<String> items = new ArrayList<>();
      node.forEach(item -> items.add(item.asText()));
      return String.join(",", items);
    }
    if (node.isValueNode() && !node.isNull()) {
      return node.asText();
    }
    throw new InvalidSettingException("invalid " + setting.key() + " in " + source + ": expected "
        + setting.expected());
  }

  private static String keys() {
    StringJoiner joiner = new StringJoiner(", ");
    for (Setting setting : Setting.values()) {
      joiner.add(setting.key());
    }
    return joiner.toString();
  }

  private static String firstLine(String message) {
    return message == null ? "unreadable" : message.lines().findFirst().orElse("unreadable");
  }
}
