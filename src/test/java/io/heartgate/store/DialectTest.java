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

  @Test
  void triggerBodiesAndDollarQuotedBlocksStayWhole() {
    String trigger = "CREATE TRIGGER t AFTER DELETE ON a BEGIN\n  DELETE FROM b WHERE x = old.x;\n"
        + "  DELETE FROM c WHERE x = old.x;\nEND";
    String function = "CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n"
        + "  INSERT INTO b VALUES (NEW.x);\n  RETURN NULL;\nEND\n$$";
    String block = "DO $$\nBEGIN\n  CREATE EXTENSION IF NOT EXISTS e;\nEXCEPTION WHEN OTHERS THEN\n"
        + "  RAISE WARNING 'no e: %', SQLERRM;\nEND\n$$";
    String bodiless = "CREATE TRIGGER u AFTER INSERT ON a\n  FOR EACH ROW EXECUTE FUNCTION f()";
    assertEquals(List.of(trigger, "INSERT INTO a VALUES (1)", function, bodiless, block, "SELECT 1"),
        Migrations.statements(trigger + ";\nINSERT INTO a VALUES (1);\n" + function + ";\n" + bodiless
            + ";\n-- a comment;\n" + block + ";\nSELECT 1;\n"));
  }
}
