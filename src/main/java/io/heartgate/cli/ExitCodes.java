package io.heartgate.cli;

import io.heartgate.core.Invalid;
import io.heartgate.settings.InvalidSettingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;

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

  /**
   * The one line printed for a failure: its sentence, or its kind when it has none. A wrapper that only repeats
   * its cause (its sentence is the cause's class and sentence) gives way to the cause; a file the system refused is
   * named with the reason, not the exception's class.
   */
  static String message(Throwable failure) {
    Throwable shown = failure;
    while (shown.getCause() != null && shown.getCause().toString().equals(shown.getMessage())) {
      shown = shown.getCause();
    }
    if (shown instanceof FileAlreadyExistsException exists) {
      return exists.getFile() + " exists already; name a new file";
    }
    if (shown instanceof AccessDeniedException denied) {
      return denied.getFile() + ": permission denied";
    }
    if (shown instanceof NoSuchFileException missing) {
      return missing.getFile() + " does not exist";
    }
    if (shown instanceof FileSystemException refused && refused.getReason() != null) {
      return refused.getFile() + ": " + refused.getReason();
    }
    String message = shown.getMessage();
    return message == null || message.isBlank() ? shown.getClass().getSimpleName() : message;
  }
}
