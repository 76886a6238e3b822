package io.heartgate.testsupport;

import io.heartgate.settings.DatabaseUrl;
import java.nio.file.Path;

/** The two stores every store test runs against; each call gives a fresh, empty store. */
public enum StoreKind {
  SQLITE {
    @Override
    public DatabaseUrl freshStore(Path tempDir) {
      return new DatabaseUrl.Sqlite(tempDir.resolve("store-" + System.nanoTime()).resolve("heartgate.db"));
    }
  },
  POSTGRES {
    @Override
    public DatabaseUrl freshStore(Path tempDir) {
      return TestPostgres.shared().newDatabase();
    }
  };

  public abstract DatabaseUrl freshStore(Path tempDir);
}
