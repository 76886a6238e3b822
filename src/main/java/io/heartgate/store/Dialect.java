package io.heartgate.store;

import java.util.regex.Pattern;

/** What differs between the two SQL dialects; repositories write their SQL once, in PostgreSQL's placeholders. */
public enum Dialect {
  SQLITE("sqlite"),
  POSTGRES("postgres");

  private static final Pattern NUMBERED_PLACEHOLDER = Pattern.compile("\\$(\\d+)");

  private final String folder;

  Dialect(String folder) {
    this.folder = folder;
  }

  /** Resource folder of this dialect's migrations, under db/. */
  public String migrationFolder() {
    return folder;
  }

  /**
   * Turns {@code $1, $2} into this dialect's placeholders. SQLite's {@code ?NNN} keeps the number, so a
   * parameter may be used twice or out of order exactly as in PostgreSQL.
   */
  public String sql(String postgresSql) {
    return this == POSTGRES ? postgresSql : NUMBERED_PLACEHOLDER.matcher(postgresSql).replaceAll("?$1");
  }
}
