package io.heartgate.cli;

import io.heartgate.core.Invalid;
import io.heartgate.settings.InvalidSettingException;

/**
 * The exit codes of every command, and which failure gets which: 0 done; 1 failed while running (the store
 * unreachable, no such user, a name already taken); 2 the command line, a setting or a value given cannot be used
 * (a weak password, an unknown permission, a backup asked of PostgreSQL).
 */
public final class ExitCodes {
  static final int OK = 0;
  /** Also serve's when the node cannot start. */
  public static final int FAILED = 1;
  static final int USAGE = 2;

  private ExitCodes() {
  }

  static int of(Throwable failure) {
    if (failure instanceof CommandFailure command) {
      return command.exitCode();
    }
    return failure instanceof InvalidSettingException || failure instanceof Invalid ? USAGE : FAILED;
  }

  /** The one line printed for a failure: its sentence, or its kind when it has none. */
  static String message(Throwable failure) {
    String message = failure.getMessage();
    return message == null || message.isBlank() ? failure.getClass().getSimpleName() : message;
  }
}
