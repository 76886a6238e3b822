package io.heartgate.testsupport;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/**
 * Fetches and watches a config URL the way Telegraf 1.39.3 does (wire contract §1.2 and §1.5): the initial GET
 * with {@code Accept: application/toml}, and the {@code --config-url-watch-interval} HEAD, which compares the raw
 * {@code Last-Modified} string with the baseline taken at its first tick and ignores the status code.
 */
public final class TelegrafConfigClient {
  private final URI configUrl;
  private final String authorization;
  private String baseline;

  /**
   * @param authorization {@code "Token <t>"} (INFLUX_TOKEN), {@code "Bearer <t>"} (TELEGRAF_CONTROLLER_TOKEN), or
   *     null when neither variable is set
   */
  public TelegrafConfigClient(URI configUrl, String authorization) {
    this.configUrl = configUrl;
    this.authorization = authorization;
  }

  /** {@code fetchConfig}: Host, User-Agent, Accept, Authorization, Accept-Encoding. */
  public HttpResponse<String> get() {
    HttpRequest.Builder request = HttpRequest.newBuilder(configUrl).timeout(TestGateway.ANSWER_TIMEOUT)
        .header("User-Agent", TelegrafAgent.USER_AGENT)
        .header("Accept", "application/toml");
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return TestGateway.send(request.header("Accept-Encoding", "gzip").GET().build());
  }

  /** The watcher's request: no Accept, no Accept-Encoding. */
  public HttpResponse<String> head() {
    HttpRequest.Builder request = HttpRequest.newBuilder(configUrl).timeout(TestGateway.ANSWER_TIMEOUT)
        .header("User-Agent", TelegrafAgent.USER_AGENT);
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return TestGateway.send(request.method("HEAD", HttpRequest.BodyPublishers.noBody()).build());
  }

  /**
   * One watch tick: true when Telegraf would reload. The first tick after start or reload only takes the baseline;
   * a missing header resets it (and Telegraf logs an error).
   */
  public boolean tick() {
    String lastModified = head().headers().firstValue("Last-Modified").orElse("");
    if (baseline == null || baseline.isEmpty()) {
      baseline = lastModified;
      return false;
    }
    if (lastModified.equals(baseline)) {
      return false;
    }
    baseline = null; // the reloaded agent starts a new watcher
    return true;
  }
}
