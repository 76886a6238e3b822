package io.heartgate.cli;

/**
 * A command that cannot do what it was asked, in one sentence for the person who ran it.
 *
 * @see ExitCodes
 */
final class CommandFailure extends RuntimeException {
  private final int exitCode;

  private CommandFailure(String message, int exitCode) {
    super(message, null, false, false);
    this.exitCode = exitCode;
  }

  /** The command line or what it names cannot be used as given (exit code 2). */
  static CommandFailure usage(String message) {
    return new CommandFailure(message, ExitCodes.USAGE);
  }

  /** The command ran and could not finish (exit code 1). */
  static CommandFailure failed(String message) {
    return new CommandFailure(message, ExitCodes.FAILED);
  }

  int exitCode() {
    return exitCode;
  }
}
