package io.heartgate.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.heartgate.testsupport.Await;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Every row of some tables, read before and after migrations to show that they kept each row as it was. */
final class StoredRows {
  private StoredRows() {
  }

  /** Table → its rows, in the order of their first column. */
  static Map<String, List<JsonObject>> of(Store store, List<String> tables) {
    Map<String, List<JsonObject>> rows = new LinkedHashMap<>();
    for (String table : tables) {
      List<JsonObject> read = new ArrayList<>();
      Await.of(store.query("SELECT * FROM " + table + " ORDER BY 1", Tuple.tuple()))
          .forEach(row -> read.add(row.toJson()));
      rows.put(table, read);
    }
    return rows;
  }

  /** Each row holds what it held before, column by column; a column added since is NULL in every row. */
  static void assertKept(Map<String, List<JsonObject>> before, Map<String, List<JsonObject>> after) {
    assertEquals(before.keySet(), after.keySet());
    before.forEach((table, rowsBefore) -> {
      List<JsonObject> rowsAfter = after.get(table);
      assertEquals(rowsBefore.size(), rowsAfter.size(), table + ": every row kept");
      for (int i = 0; i < rowsBefore.size(); i++) {
        JsonObject kept = new JsonObject();
        for (String column : rowsAfter.get(i).fieldNames()) {
          if (rowsBefore.get(i).containsKey(column)) {
            kept.put(column, rowsAfter.get(i).getValue(column));
          } else {
            assertNull(rowsAfter.get(i).getValue(column), table + "." + column + " is added empty");
          }
        }
        assertEquals(rowsBefore.get(i), kept, table + ": the row kept as it was");
      }
    });
  }
}
