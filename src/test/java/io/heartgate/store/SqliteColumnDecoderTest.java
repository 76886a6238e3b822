package io.heartgate.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.vertx.jdbcclient.spi.JDBCColumnDescriptorProvider;
import io.vertx.jdbcclient.spi.JDBCDecoder;
import io.vertx.jdbcclient.spi.JDBCDecoderImpl;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SQLite rows are decoded as the JDBC client's own decoder does, with a column described once per kind of value
 * in it: vertx-jdbc-client 5.0.10 described it again for every value, half of a large listing's time on SQLite.
 */
class SqliteColumnDecoderTest {
  @TempDir
  Path tempDir;

  @Test
  void theJdbcClientDecodesWithIt() {
    assertInstanceOf(SqliteColumnDecoder.class, ServiceLoader.load(JDBCDecoder.class).findFirst().orElseThrow(),
        "found as the JDBC client looks for a decoder");
  }

  @Test
  void eachColumnIsDescribedOncePerResultSetAndDecodedAsTheClientsOwnDecoderDoes() throws Exception {
    try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + tempDir.resolve("decoded.db"));
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE TABLE t (name TEXT, count INTEGER, ratio REAL, body BLOB, gone TEXT)");
      statement.execute("INSERT INTO t VALUES ('a', 1, 0.5, x'01', NULL), ('b', 9000000000, 2.0, x'', NULL), "
          + "(NULL, NULL, NULL, NULL, 'here')");
      SqliteColumnDecoder decoder = new SqliteColumnDecoder();
      // SQLite types values, not columns: a column holds an int, a long and a null, and an expression's column text
      // and integers.
      for (String query : List.of("SELECT name, count, ratio, body, gone FROM t",
          "SELECT count, name FROM t", "SELECT body, ratio, gone, name, count FROM t",
          "SELECT CASE WHEN count > 5 THEN count ELSE name END, count + 1, name || 'x', length(body) FROM t")) {
        AtomicInteger described = new AtomicInteger();
        List<List<String>> decoded = decode(statement, query, decoder, described);
        assertEquals(decode(statement, query, new JDBCDecoderImpl(), new AtomicInteger()), decoded, query);
        assertEquals(kindsPerColumn(decoded), described.get(), "each column described once per kind: " + query);
      }
    }
  }

  /** How many different kinds of value (class, or null) each column holds, all columns together. */
  private static long kindsPerColumn(List<List<String>> rows) {
    return IntStream.range(0, rows.get(0).size())
        .mapToLong(column -> rows.stream().map(row -> row.get(column).split(":")[0]).distinct().count()).sum();
  }

  /** Every value of the query's rows as the decoder gives it, with its class, counting the columns described. */
  private static List<List<String>> decode(Statement statement, String query, JDBCDecoder decoder,
      AtomicInteger described) throws SQLException {
    List<List<String>> rows = new ArrayList<>();
    try (ResultSet result = statement.executeQuery(query)) {
      JDBCColumnDescriptorProvider metadata = JDBCColumnDescriptorProvider.fromResultMetaData(result.getMetaData());
      JDBCColumnDescriptorProvider counted = column -> {
        described.incrementAndGet();
        return metadata.apply(column);
      };
      int columns = result.getMetaData().getColumnCount();
      while (result.next()) {
        List<String> row = new ArrayList<>();
        for (int column = 1; column <= columns; column++) {
          Object value = decoder.parse(result, column, counted);
          row.add(value == null ? "null" : value.getClass().getSimpleName() + ":"
              + (value instanceof byte[] bytes ? Arrays.toString(bytes) : value));
        }
        rows.add(row);
      }
    }
    return rows;
  }
}
