package io.heartgate.core;

/** Refused until a wait is over (a locked login): {@code too_many_attempts}, with how long to wait. */
public final class TooManyAttempts extends Failure {
  private final int retryAfterSeconds;

  public TooManyAttempts(String message, int retryAfterSeconds) {
    super("too_many_attempts", message, null);
    this.retryAfterSeconds = retryAfterSeconds;
  }

  public int retryAfterSeconds() {
    return retryAfterSeconds;
  }
}
