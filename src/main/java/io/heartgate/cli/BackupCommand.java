package io.heartgate.cli;

import io.heartgate.settings.DatabaseUrl;
import io.heartgate.settings.Settings;
import io.heartgate.store.SqliteBackup;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** A consistent copy of a SQLite store in a new file, safe while gateways run on it; PostgreSQL has pg_dump. */
@Command(name = "backup", mixinStandardHelpOptions = true,
    description = {"copy a SQLite store to a new file, consistently, also while gateways run on it",
        "(a PostgreSQL store is backed up with pg_dump)"})
final class BackupCommand implements Callable<Integer> {
  private final Terminal terminal;
  private final Clock clock;

  @Mixin
  private StoreOptions store;

  @Option(names = "--to", required = true, paramLabel = "FILE", description = "the copy: a file that does not exist yet")
  private Path target;

  BackupCommand(Terminal terminal, Clock clock) {
    this.terminal = terminal;
    this.clock = clock;
  }

  @Override
  public Integer call() {
    Settings settings = store.settings(terminal);
    if (settings.database() instanceof DatabaseUrl.Postgres postgres) {
      throw CommandFailure.usage("the store is PostgreSQL (" + postgres.masked() + "): back it up with pg_dump, "
          + "e.g. pg_dump --format=custom --file=heartgate.dump 'postgres://user:pass@host:port/db'");
    }
    Path copy = target.toAbsolutePath();
    if (Files.exists(copy, LinkOption.NOFOLLOW_LINKS)) {
      throw CommandFailure.failed(copy + " exists already; name a new file");
    }
    if (!Files.isDirectory(copy.getParent())) {
      throw CommandFailure.failed("the folder " + copy.getParent() + " does not exist");
    }
    try (AdminNode node = AdminNode.open(settings, false, clock)) {
      AdminNode.await(SqliteBackup.copy(node.store(), copy));
    }
    terminal.out().println("copied " + settings.database().masked() + " to " + copy + " (" + size(copy) + " bytes)");
    return ExitCodes.OK;
  }

  private static long size(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
