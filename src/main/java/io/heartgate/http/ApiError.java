package io.heartgate.http;

import java.util.Map;

/**
 * A failure a client may see, with the contract's status, snake_case code and sentence. Thrown or failed
 * anywhere below the router; {@link ErrorResponder} turns it into the response.
 */
public final class ApiError extends RuntimeException {
  private final int status;
  private final String code;
  private final Map<String, Object> details;
  private final Integer retryAfterSeconds;

  public ApiError(int status, String code, String message, Map<String, Object> details, Integer retryAfterSeconds) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
    this.details = details;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  public static ApiError badRequest(String field, String message) {
    return new ApiError(400, "invalid_request", message, Map.of("field", field), null);
  }

  public static ApiError unauthorized(String message) {
    return new ApiError(401, "unauthorized", message, null, null);
  }

  public static ApiError forbidden(String message) {
    return new ApiError(403, "forbidden", message, null, null);
  }

  public static ApiError notFound(String message) {
    return new ApiError(404, "not_found", message, null, null);
  }

  public static ApiError conflict(String code, String message) {
    return new ApiError(409, code, message, null, null);
  }

  public static ApiError tooManyAttempts(String message, int retryAfterSeconds) {
    return new ApiError(429, "too_many_attempts", message, null, retryAfterSeconds);
  }

  public static ApiError unavailable(String code, String message, int retryAfterSeconds) {
    return new ApiError(503, code, message, null, retryAfterSeconds);
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }

  public Map<String, Object> details() {
    return details;
  }

  public Integer retryAfterSeconds() {
    return retryAfterSeconds;
  }
}
