package io.heartgate.http;

import io.heartgate.core.Conflict;
import io.heartgate.core.Failure;
import io.heartgate.core.Forbidden;
import io.heartgate.core.Invalid;
import io.heartgate.core.NotFound;
import io.heartgate.core.TooLarge;
import io.heartgate.core.TooManyAttempts;
import io.heartgate.core.Unauthorized;
import io.heartgate.core.Unavailable;
import io.heartgate.core.UnsupportedMediaType;
import io.heartgate.store.StoreOutage;
import io.netty.handler.codec.DecoderException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The one mapping from failures to statuses and the contract's error bodies {@code {"error","message"[,"details"]}}.
 * Never a stack trace, never a secret: unexpected failures are logged and answered with a plain 500.
 */
public final class ErrorResponder {
  /** Seconds a client is asked to wait after a 503. */
  public static final int RETRY_AFTER_SECONDS = 5;
  private static final Logger LOG = Logger.getLogger(ErrorResponder.class.getName());
  private static final Answer INTERNAL = new Answer(500, "internal_error", "Internal error", Map.of(), null);
  private static final Answer BUSY = new Answer(503, "unavailable", "The gateway is busy; try again later", Map.of(),
      RETRY_AFTER_SECONDS);

  /** What the client gets: status, code, sentence, details, and how long to wait (or null). */
  record Answer(int status, String code, String message, Map<String, Object> details, Integer retryAfterSeconds) {
  }

  private ErrorResponder() {
  }

  /** Failure handler for a router: answers whatever failed the routing context. */
  public static void handle(RoutingContext ctx) {
    boolean connectionFailedMidBody = ctx.failure() instanceof IOException && BodyBudget.reading(ctx);
    // The request's processing is over: its body's room is free again, whether or not anyone is left to answer.
    BodyBudget.release(ctx);
    if (AnswerDeadlines.answeredLate(ctx)) {
      // Answered 503 at its deadline: this is how it ended after all.
      LOG.fine(() -> "request failed after its deadline: " + ctx.failure());
      return;
    }
    if (ctx.response().closed() || connectionFailedMidBody) {
      // The client went away (often mid-body): nobody to answer, and nothing wrong with the gateway. A connection that
      // failed while the body was read is the client's (reset: "Connection reset by peer"), known before the response
      // knows it is closed; nothing else runs then, so no store's failure is taken for it. Anyone could repeat it to
      // fill the log.
      LOG.fine(() -> "client left before its answer: " + ctx.failure());
      return;
    }
    if (ctx.response().headWritten()) {
      ctx.response().reset();
      return;
    }
    if (BodyBudget.hasBody(ctx.request()) && !ctx.request().isEnded()) {
      // Refused before its body was read: the connection closes after this answer, and the client must know.
      ctx.response().putHeader(HttpHeaders.CONNECTION, "close");
      if (malformedFraming(ctx.failure())) {
        // Vert.x closes the connection: there is nobody to answer.
        LOG.fine(() -> "malformed request body: " + ctx.failure());
        return;
      }
    }
    send(ctx.response(), answer(ctx.failure(), ctx.statusCode()));
  }

  /**
   * The HTTP decoder could not read the body's framing (a chunk size that is no number, a chunk not ended by CR
   * LF, a trailer that is no header): the client's error, whose connection Vert.x closes at once.
   */
  private static boolean malformedFraming(Throwable failure) {
    return failure instanceof DecoderException || failure instanceof IllegalArgumentException;
  }

  /** Answers a failure outside a router's failure handling (for example before a body is read). */
  public static void send(HttpServerResponse response, Failure failure) {
    send(response, answer(failure, -1));
  }

  static Answer answer(Throwable failure, int statusCode) {
    if (failure instanceof Failure domain) {
      return new Answer(status(domain), domain.code(), domain.getMessage(), domain.details(),
          retryAfter(domain));
    }
    if (StoreOutage.in(failure)) {
      return new Answer(503, "store_unavailable", "The store is unavailable; try again later", Map.of(),
          RETRY_AFTER_SECONDS);
    }
    if (failure instanceof ReplyException reply) {
      return fromReply(reply);
    }
    if (failure == null && statusCode > 0) {
      return forStatus(statusCode);
    }
    OutOfMemory.exitOn(failure);
    LOG.log(Level.SEVERE, "unexpected failure while serving a request", failure);
    return INTERNAL;
  }

  private static int status(Failure failure) {
    if (failure instanceof Invalid) {
      return 400;
    } else if (failure instanceof Unauthorized) {
      return 401;
    } else if (failure instanceof Forbidden) {
      return 403;
    } else if (failure instanceof NotFound) {
      return 404;
    } else if (failure instanceof Conflict) {
      return 409;
    } else if (failure instanceof TooLarge) {
      return 413;
    } else if (failure instanceof UnsupportedMediaType) {
      return 415;
    } else if (failure instanceof TooManyAttempts) {
      return 429;
    }
    return 503; // Unavailable: the list of Failure's subclasses is sealed, so nothing else reaches here
  }

  private static Integer retryAfter(Failure failure) {
    if (failure instanceof TooManyAttempts tooMany) {
      return tooMany.retryAfterSeconds();
    }
    return failure instanceof Unavailable ? RETRY_AFTER_SECONDS : null;
  }

  /** Event-bus workers fail a request with the HTTP status as failure code and the client's sentence. */
  private static Answer fromReply(ReplyException reply) {
    if (reply.failureType() != ReplyFailure.RECIPIENT_FAILURE) {
      return BUSY;
    }
    return switch (reply.failureCode()) {
      case 401 -> answer(new Unauthorized(reply.getMessage()), -1);
      case 503 -> answer(new Unavailable("unavailable", reply.getMessage()), -1);
      default -> {
        LOG.log(Level.SEVERE, "event-bus worker failed: " + reply.getMessage());
        yield INTERNAL;
      }
    };
  }

  /** Failures that Vert.x itself raised with a bare status code. */
  static Answer forStatus(int status) {
    return switch (status) {
      case 400 -> new Answer(400, "invalid_request", "The request is malformed", Map.of(), null);
      case 404 -> new Answer(404, "not_found", "No such resource", Map.of(), null);
      case 405 -> new Answer(405, "method_not_allowed", "Method not allowed on this resource", Map.of(), null);
      case 413 -> new Answer(413, "payload_too_large", "The request body is too large", Map.of(), null);
      case 415 -> new Answer(415, "unsupported_media_type", "The request body must be JSON", Map.of(), null);
      case 503 -> BUSY;
      default -> new Answer(status, status >= 500 ? "internal_error" : "invalid_request",
          status >= 500 ? "Internal error" : "The request cannot be served", Map.of(), null);
    };
  }

  private static void send(HttpServerResponse response, Answer answer) {
    JsonObject body = new JsonObject().put("error", answer.code()).put("message", answer.message());
    if (!answer.details().isEmpty()) {
      body.put("details", new JsonObject(answer.details()));
    }
    if (answer.retryAfterSeconds() != null) {
      response.putHeader(HttpHeaders.RETRY_AFTER, String.valueOf(answer.retryAfterSeconds()));
    }
    Buffer bytes = body.toBuffer();
    Responses.whole(response.setStatusCode(answer.status()).putHeader(HttpHeaders.CONTENT_TYPE, "application/json"),
        bytes);
  }
}
