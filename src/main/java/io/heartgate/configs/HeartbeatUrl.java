package io.heartgate.configs;

import io.heartgate.core.Invalid;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/** Where the agent template tells agents to send heartbeats: the caller's URL, or one derived from the request. */
final class HeartbeatUrl {
  private static final String FIELD = "heartbeatUrl";

  private HeartbeatUrl() {
  }

  /** The URL as given, if it is an absolute http or https URL with a host; 400 naming the field otherwise. */
  static String checked(String url) {
    try {
      URI uri = new URI(url);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null) {
        return url;
      }
    } catch (URISyntaxException e) {
      // answered below
    }
    throw new Invalid(FIELD, FIELD + " must be an absolute http or https URL");
  }

  /**
   * Where agents reach the heartbeat listener when the caller did not say: the host name the caller used to reach
   * this API (the only public name the gateway can know when it listens on 0.0.0.0) with the heartbeat port.
   *
   * @param requestHost the host of the request's Host header (or authority), null when it had none
   */
  static String derived(String requestHost, int heartbeatPort) {
    if (requestHost == null || requestHost.isBlank()) {
      throw new Invalid(FIELD, FIELD + " is required when the request has no Host header");
    }
    String host = requestHost.indexOf(':') >= 0 && !requestHost.startsWith("[") ? "[" + requestHost + "]"
        : requestHost;
    return "http://" + host + ":" + heartbeatPort + AgentTemplate.HEARTBEAT_PATH;
  }
}
