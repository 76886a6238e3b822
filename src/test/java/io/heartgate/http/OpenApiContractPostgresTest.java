package io.heartgate.http;

import io.heartgate.settings.DatabaseUrl;
import io.heartgate.testsupport.TestPostgres;
import java.nio.file.Path;

/**
 * The OpenAPI replay against a gateway on a PostgreSQL cluster of its own, which the outage step stops and starts
 * (skipped without PostgreSQL, except under CI=true).
 */
class OpenApiContractPostgresTest extends OpenApiContractTest {
  private TestPostgres postgres;

  @Override
  DatabaseUrl store(Path tempDir) {
    postgres = TestPostgres.startThrowaway();
    return postgres.newDatabase();
  }

  @Override
  boolean stopStore() {
    postgres.stopServer();
    return true;
  }

  @Override
  void startStore() {
    postgres.startServer();
  }

  @Override
  void closeStore() {
    if (postgres != null) {
      postgres.destroy();
    }
  }
}
