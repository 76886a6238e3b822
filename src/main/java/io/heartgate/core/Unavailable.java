package io.heartgate.core;

/** The gateway cannot serve this now but may soon (a full queue, the store down); the client should retry. */
public final class Unavailable extends Failure {
  public Unavailable(String code, String message) {
    super(code, message, null);
  }
}
