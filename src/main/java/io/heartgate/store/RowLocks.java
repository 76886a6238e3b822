package io.heartgate.store;

/**
 * PostgreSQL row locks taken in one order: every writer that changes several rows of agents, their heartbeat
 * details or tokens at once takes them in id order (see the README's lock-order paragraph), so that two writers
 * never hold one row each while waiting for the other's. The statement answers only how many rows it locked: the
 * rows themselves are not wanted.
 */
public final class RowLocks {
  /** How strongly the rows are locked. */
  public enum Strength {
    /** For rows the transaction deletes (or whose key it changes). */
    UPDATE("FOR UPDATE"),
    /** For rows the transaction updates without changing their key: foreign-key checks on them still pass. */
    NO_KEY_UPDATE("FOR NO KEY UPDATE");

    private final String sql;

    Strength(String sql) {
      this.sql = sql;
    }
  }

  private RowLocks() {
  }

  /** The SQL that locks the rows of {@code table} matching {@code where}, in the order of {@code column}. */
  public static String inOrder(String table, String where, String column, Strength strength) {
    return "SELECT COUNT(*) FROM (SELECT 1 FROM " + table + " WHERE " + where + " ORDER BY " + column + " "
        + strength.sql + ") locked";
  }
}
