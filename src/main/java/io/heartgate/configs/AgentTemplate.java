package io.heartgate.configs;

/**
 * The start of a new config made with {@code "template":"agent"}: an {@code [[outputs.heartbeat]]} block that
 * reports to this gateway. The agent's id comes from the config URL ({@code ?agent_id=…}), the token from the
 * agent's environment, so one config serves a whole fleet.
 */
public final class AgentTemplate {
  public static final String NAME = "agent";
  public static final String HEARTBEAT_PATH = "/agents/heartbeat";

  private AgentTemplate() {
  }

  /**
   * The block, ending in a line feed; {@code heartbeatUrl} is written as a TOML basic string.
   * {@code include} holds only values every Telegraf with the plugin (1.37+) accepts; {@code configs} lets the
   * gateway see which agents use a config.
   */
  public static String block(String heartbeatUrl) {
    return "# Reports this agent to Heartgate. Fetch this config with ?agent_id=<unique agent id>, and set\n"
        + "# TELEGRAF_CONTROLLER_TOKEN to a token with the telegraf-agent preset.\n"
        + "[[outputs.heartbeat]]\n"
        + "  url = \"" + TomlTemplate.basicStringEscaped(heartbeatUrl) + "\"\n"
        + "  instance_id = \"&{agent_id}\"\n"
        + "  token = \"${TELEGRAF_CONTROLLER_TOKEN}\"\n"
        + "  interval = \"1m\"\n"
        + "  include = [\"hostname\", \"statistics\", \"configs\"]\n";
  }

  /** The whole TOML of a new config: the block, then the caller's TOML (if any) after a blank line. */
  public static String withBlock(String heartbeatUrl, String toml) {
    String block = block(heartbeatUrl);
    return toml == null || toml.isEmpty() ? block : block + "\n" + toml;
  }
}
