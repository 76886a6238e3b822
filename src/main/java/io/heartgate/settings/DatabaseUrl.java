package io.heartgate.settings;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;

/** Where the store lives: an embedded SQLite file or a PostgreSQL server. */
public sealed interface DatabaseUrl {

  String FORM = "sqlite:<path> or postgres://user:pass@host:port/db";

  /** Printable form with any password masked. */
  String masked();

  record Sqlite(Path file) implements DatabaseUrl {
    @Override
    public String masked() {
      return "sqlite:" + file;
    }
  }

  record Postgres(String host, int port, String database, String user, String password, String sslMode)
      implements DatabaseUrl {
    @Override
    public String masked() {
      String credentials = user.isEmpty() ? "" : user + (password.isEmpty() ? "" : ":****") + "@";
      String query = sslMode == null ? "" : "?sslmode=" + sslMode;
      return "postgres://" + credentials + host + ":" + port + "/" + database + query;
    }

    @Override
    public String toString() {
      return masked();
    }
  }

  Set<String> SSL_MODES = Set.of("disable", "allow", "prefer", "require", "verify-ca", "verify-full");

  /** Parses the DATABASE_URL forms of the contract; surrounding quotes are stripped as operators paste them. */
  static DatabaseUrl parse(String raw) {
    String value = raw.trim();
    if (value.length() >= 2 && (value.startsWith("\"") && value.endsWith("\"")
        || value.startsWith("'") && value.endsWith("'"))) {
      value = value.substring(1, value.length() - 1);
    }
    String lower = value.toLowerCase(Locale.ROOT);
    if (lower.startsWith("sqlite:")) {
      String path = value.substring("sqlite:".length());
      if (path.isBlank()) {
        throw new IllegalArgumentException("no file path after sqlite:");
      }
      return new Sqlite(Path.of(path));
    }
    if (lower.startsWith("postgres://") || lower.startsWith("postgresql://")) {
      return parsePostgres(value);
    }
    throw new IllegalArgumentException("unknown scheme");
  }

  private static Postgres parsePostgres(String value) {
    URI uri;
    try {
      uri = new URI(value);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("not a valid URL");
    }
    if (uri.getHost() == null || uri.getHost().isEmpty()) {
      throw new IllegalArgumentException("no host, or a port that is not a number");
    }
    int port = uri.getPort() == -1 ? 5432 : uri.getPort();
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port out of range");
    }
    String path = uri.getRawPath() == null ? "" : uri.getRawPath();
    String database = decode(path.startsWith("/") ? path.substring(1) : path);
    if (database.isEmpty() || database.contains("/")) {
      throw new IllegalArgumentException("no database name");
    }
    String user = "";
    String password = "";
    if (uri.getRawUserInfo() != null) {
      String[] parts = uri.getRawUserInfo().split(":", 2);
      user = decode(parts[0]);
      password = parts.length > 1 ? decode(parts[1]) : "";
    }
    String sslMode = null;
    if (uri.getRawQuery() != null) {
      for (String pair : uri.getRawQuery().split("&")) {
        String[] kv = pair.split("=", 2);
        if (!kv[0].equals("sslmode") || kv.length != 2 || !SSL_MODES.contains(kv[1])) {
          throw new IllegalArgumentException("only the query parameter sslmode=" + String.join("|", SSL_MODES)
              + " is understood");
        }
        sslMode = kv[1];
      }
    }
    return new Postgres(uri.getHost(), port, database, user, password, sslMode);
  }

  private static String decode(String s) {
    return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
  }
}
