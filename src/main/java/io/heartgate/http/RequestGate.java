package io.heartgate.http;

import io.heartgate.core.Failure;
import io.heartgate.core.Invalid;
import io.heartgate.core.RoutedPath;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * Every request passes here before the router: the headers every answer carries, and what the router must never
 * see (a malformed path, no Host, two Authorization headers, an unknown transfer coding). Such a request is
 * answered and its connection closed: where its body ends cannot be trusted.
 */
final class RequestGate implements Handler<HttpServerRequest> {
  private final Handler<HttpServerRequest> router;
  private final boolean tls;
  private final Handler<HttpServerRequest> refusedLog;

  /**
   * @param tls whether the listener speaks HTTPS (answers then carry Strict-Transport-Security)
   * @param refusedLog told of each request refused here, once answered (the access log)
   */
  RequestGate(Handler<HttpServerRequest> router, boolean tls, Handler<HttpServerRequest> refusedLog) {
    this.router = router;
    this.tls = tls;
    this.refusedLog = refusedLog;
  }

  @Override
  public void handle(HttpServerRequest request) {
    HttpServerResponse response = request.response();
    MultiMap headers = response.headers();
    headers.add("X-Content-Type-Options", "nosniff");
    if (tls) {
      headers.add("Strict-Transport-Security", "max-age=31536000");
    }
    String path = request.path();
    if (path != null && forTheCallerOnly(path)) {
      headers.add(HttpHeaders.CACHE_CONTROL, "no-store");
    }
    Failure refused = framing(request);
    if (refused == null) {
      refused = malformed(request, path);
    }
    if (refused != null) {
      refuse(request, refused);
      return;
    }
    router.handle(request);
  }

  /**
   * The API's answers, the short config links and the metrics are for their caller only, never for a cache on the
   * way: by the path as the router reads it (see {@link RoutedPath}), and a path it cannot read is refused anyway.
   */
  private static boolean forTheCallerOnly(String path) {
    String routed = RoutedPath.of(path);
    return routed == null || routed.startsWith("/api") || routed.startsWith("/c/") || routed.startsWith("/metrics");
  }

  /**
   * A transfer coding other than plain chunking is refused. A chunked request is served but its connection closed
   * after the answer: the HTTP decoder silently drops a Content-Length sent beside Transfer-Encoding (RFC 9112
   * 6.3), so such a request cannot be told from a plain chunked one here, and a proxy in front may have framed it
   * by the length instead; closing leaves no second request to smuggle. Telegraf sends bodies with a length.
   */
  private static Failure framing(HttpServerRequest request) {
    List<String> codings = request.headers().getAll(HttpHeaders.TRANSFER_ENCODING);
    if (codings.isEmpty()) {
      return null;
    }
    if (codings.size() != 1 || !codings.get(0).strip().toLowerCase(Locale.ROOT).equals("chunked")) {
      return Invalid.request("Transfer-Encoding must be chunked");
    }
    request.response().putHeader(HttpHeaders.CONNECTION, "close");
    return null;
  }

  private static Failure malformed(HttpServerRequest request, String path) {
    if (request.version() == HttpVersion.HTTP_1_1 && request.headers().get(HttpHeaders.HOST) == null) {
      return Invalid.request("The request has no Host header");
    }
    // RFC 9112 3.2: one Host, a host and port as the URI syntax has them, never empty for an http URI (HTTP/1.0
    // may send none).
    List<String> hosts = request.headers().getAll(HttpHeaders.HOST);
    if (hosts.size() > 1
        || !hosts.isEmpty() && (request.authority() == null || request.authority().host().isEmpty())) {
      return Invalid.request("The request's Host header is malformed or repeated");
    }
    if (path == null || !wellEscaped(path)) {
      return Invalid.request("The request path is malformed");
    }
    if (request.headers().getAll(HttpHeaders.AUTHORIZATION).size() > 1) {
      return new Invalid("Authorization", "The request has more than one Authorization header");
    }
    return null;
  }

  /**
   * No control character, escaped or not (no id or name holds one), and every {@code %} starts two hex digits
   * spelling UTF-8.
   */
  static boolean wellEscaped(String path) {
    boolean escapes = false;
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        return false;
      }
      escapes |= c == '%';
    }
    if (!escapes) {
      return true;
    }
    ByteBuffer bytes = ByteBuffer.allocate(path.length());
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (c == '%') {
        if (i + 2 >= path.length() || Character.digit(path.charAt(i + 1), 16) < 0
            || Character.digit(path.charAt(i + 2), 16) < 0) {
          return false;
        }
        int escaped = Integer.parseInt(path.substring(i + 1, i + 3), 16);
        if (escaped < 0x20 || escaped == 0x7f) {
          return false;
        }
        bytes.put((byte) escaped);
        i += 2;
      } else if (c < 0x80) {
        bytes.put((byte) c);
      } else {
        return false;
      }
    }
    bytes.flip();
    try {
      StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(bytes);
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }

  /** Answers and closes: a client that sends such requests gets no second one on this connection. */
  private void refuse(HttpServerRequest request, Failure failure) {
    request.response().putHeader(HttpHeaders.CONNECTION, "close");
    request.response().endHandler(ignored -> request.connection().close());
    ErrorResponder.send(request.response(), failure);
    refusedLog.handle(request);
  }
}
