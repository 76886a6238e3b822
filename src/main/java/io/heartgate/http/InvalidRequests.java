package io.heartgate.http;

import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonObject;

/**
 * Answers what the HTTP decoder could not read (a too long request line, too large headers, broken syntax) with
 * the contract's JSON error body instead of Vert.x's empty one, then closes the connection: after a decoding
 * failure the rest of the stream cannot be trusted.
 */
final class InvalidRequests {
  private InvalidRequests() {
  }

  /**
   * Whether the request line was read: when it was not (too long, malformed), the decoder hands on a placeholder of
   * its own, {@code GET /bad-request HTTP/1.0}, whose method and path are not the client's.
   */
  static boolean lineRead(HttpServerRequest request) {
    return !(request.decoderResult().isFailure() && request.version() == HttpVersion.HTTP_1_0
        && "/bad-request".equals(request.uri()));
  }

  static void answer(HttpServerRequest request) {
    Throwable cause = request.decoderResult().cause();
    int status = 400;
    String code = "invalid_request";
    String sentence = "The request is malformed";
    if (cause instanceof TooLongHttpLineException) {
      status = 414;
      code = "uri_too_long";
      sentence = "The request target is too long";
    } else if (cause instanceof TooLongHttpHeaderException) {
      status = 431;
      code = "headers_too_large";
      sentence = "The request headers are too large";
    }
    Buffer body = new JsonObject().put("error", code).put("message", sentence).toBuffer();
    Responses.whole(request.response()
            .setStatusCode(status)
            .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
            .putHeader(HttpHeaders.CONNECTION, "close")
            .putHeader("X-Content-Type-Options", "nosniff")
            // Whatever the path (it may not have been read): as every /api answer, for no cache on the way.
            .putHeader(HttpHeaders.CACHE_CONTROL, "no-store"), body)
        .onComplete(ignored -> request.connection().close());
  }
}
