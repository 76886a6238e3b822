package io.heartgate.store;

import io.vertx.jdbcclient.impl.actions.JDBCColumnDescriptor;
import io.vertx.jdbcclient.spi.JDBCColumnDescriptorProvider;
import io.vertx.jdbcclient.spi.JDBCDecoderImpl;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;

/**
 * How the Vert.x JDBC client turns a SQLite row into values: as its own decoder does, but with a column's descriptor
 * read from the result set's metadata once per kind of value in that column, not once per value.
 * vertx-jdbc-client 5.0.10 builds the descriptor again for every value it decodes (the declared type, the driver's
 * type name and class name, and a {@code Class.forName} of it), and that took about half of the SQLite
 * connection's time in a listing of 1,000 configs with 100 labels each (a 22 MB answer: 1.6 s).
 *
 * <p>SQLite types values, not columns: sqlite-jdbc 3.50 describes a column by its declared type and by the value in
 * the current row, its storage class (integer, real, text, blob, null) and, for an integer, whether it fits in an
 * {@code int}. The class of {@link ResultSet#getObject(int)} tells exactly those apart (Integer, Long, Double,
 * String, byte[], null), so a descriptor is kept per column and per that class, and a value of any other class is
 * described as before.
 *
 * <p>The JDBC client finds it through {@link java.util.ServiceLoader} (META-INF/services); the gateway reads only
 * SQLite through it. A result set is decoded on one worker thread, from its first row to its last, through one
 * column descriptor provider of its own: the descriptors are kept per thread, for the provider they came from.
 */
public final class SqliteColumnDecoder extends JDBCDecoderImpl {
  /** The classes of the values sqlite-jdbc reads, one per storage class (and two for integers). */
  private static final List<Class<?>> KINDS = List.of(Integer.class, Long.class, Double.class, String.class,
      byte[].class);

  private final ThreadLocal<Descriptors> descriptors = ThreadLocal.withInitial(Descriptors::new);

  @Override
  public Object parse(ResultSet row, int column, JDBCColumnDescriptorProvider provider) throws SQLException {
    Object value = row.getObject(column);
    int kind = value == null ? KINDS.size() : KINDS.indexOf(value.getClass());
    return decode(kind < 0 ? provider.apply(column) : descriptors.get().of(provider, column, kind),
        type -> type == null ? value : row.getObject(column, type));
  }

  /** The descriptors of the result set decoded last on a thread, by column (from 1) and kind of value. */
  private static final class Descriptors {
    private JDBCColumnDescriptorProvider provider;
    private JDBCColumnDescriptor[][] byColumn = new JDBCColumnDescriptor[16][];

    JDBCColumnDescriptor of(JDBCColumnDescriptorProvider from, int column, int kind) throws SQLException {
      if (from != provider) {
        provider = from;
        Arrays.fill(byColumn, null);
      }
      if (column >= byColumn.length) {
        byColumn = Arrays.copyOf(byColumn, Math.max(column + 1, byColumn.length * 2));
      }
      if (byColumn[column] == null) {
        byColumn[column] = new JDBCColumnDescriptor[KINDS.size() + 1];
      }
      JDBCColumnDescriptor descriptor = byColumn[column][kind];
      if (descriptor == null) {
        descriptor = provider.apply(column);
        byColumn[column][kind] = descriptor;
      }
      return descriptor;
    }
  }
}
