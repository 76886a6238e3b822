package io.heartgate.store;

import io.vertx.pgclient.PgException;
import org.sqlite.SQLiteException;

/** Recognises a write refused because a row it refers to is gone (deleted meanwhile), in either dialect. */
public final class ForeignKeyViolation {
  private static final String POSTGRES_FOREIGN_KEY_VIOLATION = "23503";

  private ForeignKeyViolation() {
  }

  public static boolean in(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
      if (cause instanceof PgException pg && POSTGRES_FOREIGN_KEY_VIOLATION.equals(pg.getSqlState())) {
        return true;
      }
      if (cause instanceof SQLiteException sqlite && sqlite.getResultCode().name().startsWith("SQLITE_CONSTRAINT")
          && sqlite.getMessage() != null && sqlite.getMessage().contains("FOREIGN KEY constraint failed")) {
        return true;
      }
    }
    return false;
  }
}
