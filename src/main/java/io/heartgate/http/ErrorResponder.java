package io.heartgate.http;

import io.heartgate.store.StoreUnavailableException;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The one mapping from failures to the contract's error bodies {@code {"error","message"[,"details"]}}.
 * Never a stack trace, never a secret: unexpected failures are logged and answered with a plain 500.
 */
public final class ErrorResponder {
  /** Seconds a client is asked to wait after a 503. */
  public static final int RETRY_AFTER_SECONDS = 5;
  private static final Logger LOG = Logger.getLogger(ErrorResponder.class.getName());

  private ErrorResponder() {
  }

  /** Failure handler for a router: answers whatever failed the routing context. */
  public static void handle(RoutingContext ctx) {
    if (ctx.response().headWritten()) {
      ctx.response().reset();
      return;
    }
    send(ctx.response(), toApiError(ctx.failure(), ctx.statusCode()));
  }

  static ApiError toApiError(Throwable failure, int statusCode) {
    if (failure instanceof ApiError apiError) {
      return apiError;
    }
    if (failure instanceof StoreUnavailableException) {
      return ApiError.unavailable("store_unavailable", "The store is unavailable; try again later",
          RETRY_AFTER_SECONDS);
    }
    if (failure instanceof ReplyException reply) {
      return fromReply(reply);
    }
    if (failure == null && statusCode > 0) {
      return forStatus(statusCode);
    }
    LOG.log(Level.SEVERE, "unexpected failure while serving a request", failure);
    return new ApiError(500, "internal_error", "Internal error", null, null);
  }

  /** Event-bus workers fail a request with the HTTP status as failure code and the client's sentence. */
  private static ApiError fromReply(ReplyException reply) {
    if (reply.failureType() != ReplyFailure.RECIPIENT_FAILURE) {
      return ApiError.unavailable("unavailable", "The gateway is busy; try again later", RETRY_AFTER_SECONDS);
    }
    int status = reply.failureCode();
    return switch (status) {
      case 401 -> ApiError.unauthorized(reply.getMessage());
      case 503 -> ApiError.unavailable("unavailable", reply.getMessage(), RETRY_AFTER_SECONDS);
      default -> {
        LOG.log(Level.SEVERE, "event-bus worker failed: " + reply.getMessage());
        yield new ApiError(500, "internal_error", "Internal error", null, null);
      }
    };
  }

  /** Failures that Vert.x itself raised with a bare status code. */
  static ApiError forStatus(int status) {
    return switch (status) {
      case 400 -> new ApiError(400, "invalid_request", "The request is malformed", null, null);
      case 404 -> ApiError.notFound("No such resource");
      case 405 -> new ApiError(405, "method_not_allowed", "Method not allowed on this resource", null, null);
      case 413 -> new ApiError(413, "payload_too_large", "The request body is too large", null, null);
      case 415 -> new ApiError(415, "unsupported_media_type", "The request body must be JSON", null, null);
      case 503 -> ApiError.unavailable("unavailable", "The gateway is busy; try again later", RETRY_AFTER_SECONDS);
      default -> new ApiError(status, status >= 500 ? "internal_error" : "invalid_request",
          status >= 500 ? "Internal error" : "The request cannot be served", null, null);
    };
  }

  public static void send(HttpServerResponse response, ApiError error) {
    JsonObject body = new JsonObject().put("error", error.code()).put("message", error.getMessage());
    if (error.details() != null) {
      body.put("details", new JsonObject(error.details()));
    }
    if (error.retryAfterSeconds() != null) {
      response.putHeader(HttpHeaders.RETRY_AFTER, String.valueOf(error.retryAfterSeconds()));
    }
    response.setStatusCode(error.status())
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end(body.toBuffer());
  }
}
