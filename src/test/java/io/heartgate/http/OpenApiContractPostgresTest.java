package io.heartgate.http;

import io.heartgate.settings.DatabaseUrl;
import io.heartgate.testsupport.StoreKind;
import java.nio.file.Path;

/** The OpenAPI replay against a gateway on PostgreSQL (skipped without a server, except under CI=true). */
class OpenApiContractPostgresTest extends OpenApiContractTest {
  @Override
  DatabaseUrl store(Path tempDir) {
    return StoreKind.POSTGRES.freshStore(tempDir);
  }
}
