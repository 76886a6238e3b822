package io.heartgate.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * Applies the versioned migrations of src/main/resources/db/&lt;dialect&gt;/ in one transaction, recording each
 * in schema_migrations. Safe to run twice; on PostgreSQL an advisory lock makes nodes starting together wait
 * for each other. An edited or unknown applied migration stops start-up instead of guessing.
 */
public final class Migrations {
  /** The migrations in order; each has one file per dialect, db/&lt;dialect&gt;/&lt;name&gt;.sql. */
  static final List<String> NAMES = List.of("V1__initial_schema", "V2__login_attempts", "V3__labels",
      "V4__config_versions", "V5__constants", "V6__aliases_and_config_groups", "V7__agents_at_scale",
      "V8__agent_search", "V9__agent_tally", "V10__no_hostname_index", "V11__agent_search_per_batch",
      "V12__tokens_by_creation", "V13__agent_details_hash");

  /** A SQLite trigger, whose statements run from BEGIN to END. */
  private static final Pattern TRIGGER_WITH_BODY =
      Pattern.compile("^\\s*CREATE\\s+TRIGGER\\b.*\\bBEGIN\\b", Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
  private static final Logger LOG = Logger.getLogger(Migrations.class.getName());

  /** One migration: its version, its name and the statements of its file. */
  record Migration(int version, String name, String checksum, List<String> statements) {
  }

  private Migrations() {
  }

  /** Brings the schema up to date; the Future holds how many migrations were applied now. */
  public static Future<Integer> apply(Store store, Clock clock) {
    return apply(store, clock, NAMES);
  }

  /** Applies the first migrations only: for tests that build a store as an older release left it. */
  static Future<Integer> apply(Store store, Clock clock, List<String> names) {
    List<Migration> migrations = names.stream().map(name -> load(store.dialect(), name)).toList();
    return store.inTransactionOfItsOwn(connection -> lock(store.dialect(), connection)
        .compose(ignored -> connection.query("CREATE TABLE IF NOT EXISTS schema_migrations ("
            + "version INTEGER PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL, "
            + "applied_at BIGINT NOT NULL)").execute())
        .compose(ignored -> connection.query("SELECT version, name, checksum FROM schema_migrations").execute())
        .compose(rows -> {
          Map<Integer, Row> applied = new HashMap<>();
          rows.forEach(row -> applied.put(row.getInteger("version"), row));
          checkApplied(applied, migrations);
          List<Migration> pending = migrations.stream().filter(m -> !applied.containsKey(m.version())).toList();
          Future<Void> chain = Future.succeededFuture();
          for (Migration migration : pending) {
            chain = chain.compose(ignored -> run(store, connection, migration, clock.millis()));
          }
          return chain.map(pending.size());
        }));
  }

  /**
   * How many migrations of this release the store lacks, without changing it (all of them when it has never been
   * migrated); fails as {@link #apply} does on a schema newer than this release or a changed migration.
   */
  public static Future<Integer> pending(Store store) {
    List<Migration> migrations = NAMES.stream().map(name -> load(store.dialect(), name)).toList();
    return store.query("SELECT version, name, checksum FROM schema_migrations", Tuple.tuple())
        .map(rows -> {
          Map<Integer, Row> applied = new HashMap<>();
          rows.forEach(row -> applied.put(row.getInteger("version"), row));
          checkApplied(applied, migrations);
          return (int) migrations.stream().filter(m -> !applied.containsKey(m.version())).count();
        })
        .recover(e -> e instanceof IllegalStateException ? Future.failedFuture(e)
            // No schema_migrations table: a store never migrated.
            : store.query("SELECT 1", Tuple.tuple()).map(ignored -> migrations.size()));
  }

  private static Future<?> lock(Dialect dialect, SqlConnection connection) {
    return dialect == Dialect.POSTGRES
        ? connection.query("SELECT pg_advisory_xact_lock(" + AdvisoryLock.MIGRATIONS.key() + ")").execute()
        : Future.succeededFuture();
  }

  private static void checkApplied(Map<Integer, Row> applied, List<Migration> known) {
    int newest = known.get(known.size() - 1).version();
    for (Map.Entry<Integer, Row> entry : applied.entrySet()) {
      if (entry.getKey() > newest) {
        throw new IllegalStateException("the database schema is at version " + entry.getKey()
            + ", newer than this Heartgate knows (" + newest + "); run a newer release");
      }
    }
    for (Migration migration : known) {
      Row row = applied.get(migration.version());
      if (row != null && !row.getString("checksum").equals(migration.checksum())) {
        throw new IllegalStateException("migration " + migration.name()
            + " was changed after it was applied to this database; restore the released file");
      }
    }
  }

  private static Future<Void> run(Store store, SqlConnection connection, Migration migration, long now) {
    LOG.info("applying migration " + migration.name());
    Future<?> chain = Future.succeededFuture();
    for (String statement : migration.statements()) {
      chain = chain.compose(ignored -> connection.query(statement).execute());
    }
    return chain
        .compose(ignored -> connection.preparedQuery(store.dialect().sql(
                "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES ($1, $2, $3, $4)"))
            .execute(Tuple.of(migration.version(), migration.name(), migration.checksum(), now)))
        .onSuccess(ignored -> LOG.info("applied migration " + migration.name()))
        .mapEmpty();
  }

  static Migration load(Dialect dialect, String name) {
    String path = "db/" + dialect.migrationFolder() + "/" + name + ".sql";
    try (InputStream in = Migrations.class.getClassLoader().getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("migration " + path + " is missing from the class path");
      }
      byte[] bytes = in.readAllBytes();
      String text = new String(bytes, StandardCharsets.UTF_8);
      int version = Integer.parseInt(name.substring(1, name.indexOf("__")));
      return new Migration(version, name, sha256(bytes), statements(text));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Splits a script at semicolons that end a line, except inside a trigger's body (up to its {@code END;} line) or a
   * dollar-quoted block ({@code $$ … $$}), whose statements belong to it; comment lines are dropped.
   */
  static List<String> statements(String script) {
    List<String> statements = new ArrayList<>();
    StringBuilder statement = new StringBuilder();
    boolean inDollarQuotes = false;
    for (String line : script.lines().toList()) {
      String stripped = line.strip();
      if (stripped.startsWith("--") || statement.isEmpty() && stripped.isEmpty()) {
        continue;
      }
      statement.append(line).append('\n');
      if (dollarQuotes(line) % 2 == 1) {
        inDollarQuotes = !inDollarQuotes;
      }
      boolean ends = stripped.endsWith(";") && !inDollarQuotes
          && (!TRIGGER_WITH_BODY.matcher(statement).find() || stripped.equalsIgnoreCase("END;"));
      if (ends) {
        String text = statement.toString().strip();
        statements.add(text.substring(0, text.length() - 1).strip());
        statement.setLength(0);
      }
    }
    if (!statement.toString().isBlank()) {
      statements.add(statement.toString().strip());
    }
    return statements;
  }

  private static int dollarQuotes(String line) {
    int count = 0;
    for (int at = line.indexOf("$$"); at >= 0; at = line.indexOf("$$", at + 2)) {
      count++;
    }
    return count;
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
