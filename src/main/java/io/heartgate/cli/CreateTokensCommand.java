package io.heartgate.cli;

import io.heartgate.auth.Principal;
import io.heartgate.core.ClientInfo;
import io.heartgate.settings.Settings;
import io.heartgate.store.OwnerOnly;
import io.heartgate.tokens.TokenService;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Creates many API tokens of a user at once, for provisioning a fleet with one token per agent: by the rules of
 * {@code create-token}, in batches of one transaction each, and writes their values, one a line in the order of
 * their names, to a new file only its owner may read. Needs no running gateway.
 */
@Command(name = "create-tokens", mixinStandardHelpOptions = true,
    description = {"create COUNT API tokens for a user and write their values, one a line, to a new file that only "
        + "its owner may read (the gateway may be stopped)",
        "The tokens are named PREFIX-0000001 and on, in the order of the lines."})
final class CreateTokensCommand implements Callable<Integer> {
  static final String NAME = "create-tokens";

  private final Terminal terminal;
  private final Clock clock;

  @Mixin
  private StoreOptions store;

  @Option(names = "--user", required = true, paramLabel = "NAME", description = "the user who owns the tokens")
  private String user;

  @Option(names = "--count", required = true, paramLabel = "N",
      description = "how many tokens, 1 to " + TokenService.MAX_BULK)
  private int count;

  @Option(names = "--name-prefix", required = true, paramLabel = "PREFIX",
      description = "the tokens are named PREFIX-0000001 and on (zero-padded to the digits of N); "
          + "no token's name may start with PREFIX- yet")
  private String namePrefix;

  @Mixin
  private TokenOptions token;

  @Option(names = "--output", required = true, paramLabel = "FILE",
      description = "a file that does not exist yet, created readable by its owner alone (mode 0600)")
  private Path output;

  CreateTokensCommand(Terminal terminal, Clock clock) {
    this.terminal = terminal;
    this.clock = clock;
  }

  @Override
  public Integer call() {
    Settings settings = store.settings(terminal);
    Path file = output.toAbsolutePath();
    if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
      throw CommandFailure.failed(file + " exists already; name a new file");
    }
    if (!Files.isDirectory(file.getParent())) {
      throw CommandFailure.failed("the folder " + file.getParent() + " does not exist");
    }
    TokenService.BulkRequest request = new TokenService.BulkRequest(namePrefix, count, token.list(),
        token.preset(), token.expiresAt(clock));
    long start = System.nanoTime();
    try (AdminNode node = AdminNode.open(settings, false, clock)) {
      node.requireCurrentSchema();
      TokenService tokens = node.tokens();
      Principal owner = AdminNode.await(node.users().actingAs(user));
      TokenService.Bulk bulk = AdminNode.await(tokens.planBulk(owner, request));
      write(file, tokens, bulk);
      terminal.err().printf(Locale.ROOT, "created %d tokens of %s (%s to %s) with %s%s in %.1f s; their values are "
              + "in %s, one a line%n", count, user, bulk.firstName(), bulk.lastName(), String.join(",", bulk.granted()),
          bulk.dropped().isEmpty() ? "" : "; dropped, as the role lacks them: " + String.join(",", bulk.dropped()),
          (System.nanoTime() - start) / 1e9, file);
    }
    return ExitCodes.OK;
  }

  /** Creates the batches one after the other, each batch's values written (and flushed) once it committed. */
  private void write(Path file, TokenService tokens, TokenService.Bulk bulk) {
    ClientInfo client = Commands.client(NAME);
    int created = 0;
    long tookMs = 0;
    try (BufferedWriter lines = Files.newBufferedWriter(ownerOnly(file), StandardCharsets.US_ASCII,
        StandardOpenOption.WRITE)) {
      for (int batch = 0; batch < bulk.batches(); batch++) {
        if (batch > 0) {
          pause(bulk.pauseAfterMs(tookMs));
        }
        List<String> values;
        long started = System.nanoTime();
        try {
          values = AdminNode.await(tokens.createBatch(bulk, batch, client));
          tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        } catch (RuntimeException e) {
          throw CommandFailure.failed("created " + created + " of " + count + " tokens (their values are in " + file
              + ") and then failed: " + ExitCodes.message(e));
        }
        for (String value : values) {
          lines.write(value);
          lines.newLine();
        }
        lines.flush();
        created += values.size();
      }
    } catch (IOException e) {
      throw CommandFailure.failed("cannot write " + file + " after " + created + " tokens were created: " + e);
    }
  }

  /** Leaves the store to a running node between two batches (see {@link TokenService.Bulk#pauseAfterMs}). */
  private static void pause(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw CommandFailure.failed("interrupted");
    }
  }

  /** A new, empty file with mode 0600 from the start, so that no other user ever reads a value in it. */
  private static Path ownerOnly(Path file) {
    try {
      return OwnerOnly.createFile(file);
    } catch (FileAlreadyExistsException e) {
      throw CommandFailure.failed(file + " exists already; name a new file");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
