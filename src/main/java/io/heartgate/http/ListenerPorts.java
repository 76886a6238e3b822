package io.heartgate.http;

import io.heartgate.settings.Settings;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Optional;

/**
 * Tries each listener's address before anything else starts, so that a port already in use (or one the process
 * may not bind) stops start-up with a sentence naming the listener and the port, before the store is touched.
 */
public final class ListenerPorts {
  private ListenerPorts() {
  }

  /** Why a listener cannot bind its address, or empty when both can. */
  public static Optional<String> unusable(Settings settings) {
    boolean oneListener = settings.apiPort() == settings.heartbeatPort();
    Optional<String> api = unusable(oneListener ? "API and heartbeat listener" : "API listener", settings.host(),
        settings.apiPort());
    return api.isPresent() || oneListener ? api : unusable("heartbeat listener", settings.host(),
        settings.heartbeatPort());
  }

  private static Optional<String> unusable(String listener, String host, int port) {
    // Bound the way Vert.x binds it (address reuse on), so a port that Vert.x could take passes.
    try (ServerSocket probe = new ServerSocket()) {
      probe.setReuseAddress(true);
      probe.bind(new InetSocketAddress(host, port));
      return Optional.empty();
    } catch (IOException e) {
      return Optional.of("the " + listener + " cannot bind " + host + ":" + port + " (" + e.getMessage() + ")");
    }
  }
}
