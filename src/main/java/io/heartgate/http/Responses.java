package io.heartgate.http;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** Writes JSON responses. */
public final class Responses {
  private static final String JSON = "application/json";

  private Responses() {
  }

  /**
   * An answer that cannot be encoded fails the request (500, logged) rather than leaving it unanswered. Completes
   * once the answer has been written to the connection (or failed to be: the client left).
   */
  public static Future<Void> json(RoutingContext ctx, int status, JsonObject body) {
    if (answered(ctx)) {
      return Future.succeededFuture();
    }
    Buffer encoded;
    try {
      encoded = body.toBuffer();
    } catch (RuntimeException e) {
      ctx.fail(e);
      return Future.failedFuture(e);
    }
    return whole(jsonHead(ctx.response(), status), encoded);
  }

  /**
   * Ends the answer with the body, its status and headers set. Its length is said outright: Vert.x sends an answer
   * to HEAD without the body, and without the Content-Length it would have put for GET.
   */
  public static Future<Void> whole(HttpServerResponse response, Buffer body) {
    return response.putHeader(HttpHeaders.CONTENT_LENGTH, String.valueOf(body.length())).end(body);
  }

  /** The status and headers of a JSON answer, whole or written a part at a time. */
  static HttpServerResponse jsonHead(HttpServerResponse response, int status) {
    return response.setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, JSON)
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store");
  }

  public static void noContent(RoutingContext ctx) {
    if (!answered(ctx)) {
      ctx.response().setStatusCode(204).end();
    }
  }

  /**
   * Whether the request was answered already, 503 at its deadline ({@link AnswerDeadlines}): then its own answer,
   * come late, is dropped, and its body's room given back. Every answer written after waiting checks it first.
   */
  public static boolean answered(RoutingContext ctx) {
    if (!AnswerDeadlines.answeredLate(ctx)) {
      return false;
    }
    BodyBudget.release(ctx);
    return true;
  }
}
