package io.heartgate.store;

import io.heartgate.core.Conflict;
import io.vertx.core.Future;
import io.vertx.pgclient.PgException;
import java.util.Optional;
import java.util.function.Function;
import org.sqlite.SQLiteException;

/** Recognises a write refused for breaking a unique constraint, in either dialect, and says which constraint. */
public final class UniqueViolation {
  private static final String POSTGRES_UNIQUE_VIOLATION = "23505";

  private UniqueViolation() {
  }

  /**
   * For {@code future.recover(...)}: a unique violation becomes the repository's {@link Conflict} for the broken
   * constraint; any other failure passes through unchanged. This is the one place where unique violations turn
   * into conflicts.
   *
   * @param conflictFor the conflict for what the store says about the constraint (see {@link #in})
   */
  public static <T> Function<Throwable, Future<T>> asConflict(Function<String, Conflict> conflictFor) {
    return failure -> Future.failedFuture(in(failure).<Throwable>map(conflictFor).orElse(failure));
  }

  /**
   * What the store says about the broken constraint (it names the index, or the table and columns), or empty when
   * the failure is anything else.
   */
  public static Optional<String> in(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
      if (cause instanceof PgException pg && POSTGRES_UNIQUE_VIOLATION.equals(pg.getSqlState())) {
        return Optional.of(pg.getConstraint() + ": " + pg.getErrorMessage());
      }
      // SQLite reports the plain or the extended constraint code depending on the driver's settings; its message
      // "UNIQUE constraint failed: table.column" is fixed.
      if (cause instanceof SQLiteException sqlite && sqlite.getResultCode().name().startsWith("SQLITE_CONSTRAINT")
          && sqlite.getMessage() != null && sqlite.getMessage().contains("UNIQUE constraint failed")) {
        return Optional.of(sqlite.getMessage());
      }
    }
    return Optional.empty();
  }
}
