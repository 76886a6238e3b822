package io.heartgate.settings;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class DatabaseUrlTest {
  @Test
  void sqlitePathIsKeptAsWritten() {
    assertEquals(new DatabaseUrl.Sqlite(Path.of("/var/lib/heartgate/h.db")), DatabaseUrl.parse("sqlite:/var/lib/heartgate/h.db"));
  }

  @Test
  void postgresPartsAreDecoded() {
    assertEquals(new DatabaseUrl.Postgres("db.internal", 6432, "heart gate", "hg", "p@ss:word", "require"),
        DatabaseUrl.parse("postgresql://hg:p%40ss%3Aword@db.internal:6432/heart%20gate?sslmode=require"));
  }

  @Test
  void defaultPortAndQuotesAsOperatorsPasteThem() {
    assertEquals(new DatabaseUrl.Postgres("db", 5432, "hg", "u", "", null), DatabaseUrl.parse("\"postgres://u@db/hg\""));
  }

  @Test
  void maskedFormHidesThePassword() {
    assertEquals("postgres://hg:****@db:5432/x", DatabaseUrl.parse("postgres://hg:secret@db/x").masked());
  }
}
