package io.heartgate.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class DialectTest {
  @Test
  void sqliteKeepsParameterNumbers() {
    assertEquals("UPDATE t SET a = ?2 WHERE id = ?1 OR parent = ?1",
        Dialect.SQLITE.sql("UPDATE t SET a = $2 WHERE id = $1 OR parent = $1"));
  }

  @Test
  void postgresSqlIsUntouched() {
    assertEquals("SELECT $1", Dialect.POSTGRES.sql("SELECT $1"));
  }

  @Test
  void migrationScriptsSplitAtStatementEndsAndDropComments() {
    assertEquals(List.of("CREATE TABLE a (x TEXT DEFAULT ';')", "INSERT INTO a VALUES ('x')"),
        Migrations.statements("-- a comment; with a semicolon\nCREATE TABLE a (x TEXT DEFAULT ';');\n\n"
            + "INSERT INTO a VALUES ('x');\n"));
  }
}
