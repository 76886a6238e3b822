package io.heartgate.configs;

import io.heartgate.core.Invalid;

/**
 * The TOML a new config starts with: the TOML as sent, or with {@code "template":"agent"} the agent template's
 * block followed by the TOML (if any).
 */
final class InitialToml {
  private InitialToml() {
  }

  /**
   * @param toml, template, heartbeatUrl the request's fields, already checked as text; null when absent
   * @param requestHost the host the request was sent to, for the default heartbeat URL; null when unknown
   * @param heartbeatPort the heartbeat listener's port, for the default heartbeat URL
   */
  static String of(String toml, String template, String heartbeatUrl, String requestHost, int heartbeatPort) {
    String url = heartbeatUrl == null ? null : HeartbeatUrl.checked(heartbeatUrl);
    if (template != null) {
      if (!template.equals(AgentTemplate.NAME)) {
        throw new Invalid("template", "template must be \"" + AgentTemplate.NAME + "\"");
      }
      String withBlock = AgentTemplate.withBlock(url != null ? url : HeartbeatUrl.derived(requestHost, heartbeatPort),
          toml);
      TomlSize.require(withBlock);
      return withBlock;
    }
    if (url != null) {
      throw new Invalid("heartbeatUrl", "heartbeatUrl is only used with \"template\":\"agent\"");
    }
    if (toml == null) {
      throw new Invalid("toml", "toml is required (or \"template\":\"agent\")");
    }
    return toml;
  }
}
