package io.heartgate.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.heartgate.testsupport.Await;
import io.heartgate.testsupport.StoreKind;
import io.heartgate.testsupport.TestStores;
import io.vertx.sqlclient.Tuple;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Many values looked up in chunks, on both stores: every row found across the chunks' bounds, no query for none. */
class ChunkedLookupTest {
  @TempDir
  Path tempDir;
  @RegisterExtension
  final TestStores stores = new TestStores();

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void findsEveryRowInChunksOfAtMostTheLimit(StoreKind kind) {
    Store store = stores.fresh(kind, tempDir, 2);
    Await.of(store.query("CREATE TABLE things (id TEXT PRIMARY KEY)"));
    List<Tuple> rows = new ArrayList<>();
    List<String> asked = new ArrayList<>();
    for (int i = 0; i < 2 * ChunkedLookup.CHUNK + 1; i++) {
      rows.add(Tuple.of("t" + i));
      asked.add(i % 2 == 0 ? "t" + i : "missing" + i);
    }
    Await.of(store.batch("INSERT INTO things (id) VALUES ($1)", rows));
    Set<String> found = new HashSet<>();
    AtomicInteger queries = new AtomicInteger();

    Await.of(ChunkedLookup.run(store, asked, in -> "SELECT id FROM things WHERE id IN (" + in + ")", chunk -> {
      queries.incrementAndGet();
      chunk.forEach(row -> found.add(row.getString(0)));
    }));

    assertEquals(3, queries.get(), "two full chunks and the rest");
    assertEquals(Set.copyOf(asked.stream().filter(id -> id.startsWith("t")).toList()), found);
    Await.of(ChunkedLookup.run(store, List.of(), in -> "no query for no values", chunk -> queries.incrementAndGet()));
    assertEquals(3, queries.get());
  }
}
