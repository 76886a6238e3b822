package io.heartgate.http;

import io.heartgate.settings.DatabaseUrl;
import io.heartgate.testsupport.StoreKind;
import java.nio.file.Path;

/** The OpenAPI replay against a gateway on SQLite. */
class OpenApiContractSqliteTest extends OpenApiContractTest {
  @Override
  DatabaseUrl store(Path tempDir) {
    return StoreKind.SQLITE.freshStore(tempDir);
  }
}
