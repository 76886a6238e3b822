package io.heartgate.store;

import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import org.apache.commons.dbcp2.BasicDataSource;
import org.apache.commons.dbcp2.DelegatingStatement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteConfig;

/** The SQLite connection keeps a statement prepared once it is closed, and prepares it again for no one. */
class SqliteConnectionSourceTest {
  @TempDir
  Path tempDir;

  @Test
  void aStatementClosedIsPreparedOnlyOnce() throws Exception {
    BasicDataSource source = SqliteConnectionSource.create(tempDir.resolve("kept.db"), new SQLiteConfig());
    try (Connection connection = source.getConnection()) {
      try (Statement ddl = connection.createStatement()) {
        ddl.execute("CREATE TABLE t (x TEXT)");
      }
      String insert = "INSERT INTO t (x) VALUES (?)";
      Statement first = driverStatement(connection, insert);
      assertSame(first, driverStatement(connection, insert), "the same statement of the driver, kept");
      assertNotSame(first, driverStatement(connection, "SELECT x FROM t"), "another SQL, another statement");
    } finally {
      source.close();
    }
  }

  /** Prepares, runs and closes the statement; the driver's statement behind it. */
  private static Statement driverStatement(Connection connection, String sql) throws Exception {
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      if (sql.startsWith("INSERT")) {
        statement.setString(1, "a");
        statement.executeUpdate();
      } else {
        statement.executeQuery().close();
      }
      return ((DelegatingStatement) statement).getInnermostDelegate();
    }
  }
}
