package io.heartgate.store;

/** The store cannot be reached or written; the HTTP layer answers 503 with Retry-After. */
public final class StoreUnavailableException extends RuntimeException {
  public StoreUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
