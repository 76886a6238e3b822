package io.heartgate.auth;

/**
 * A change that may narrow grants, telling verifiers what to drop: one token (by hash or id), every token of
 * a user, or everything.
 */
public record Invalidation(Scope scope, String value) {
  public enum Scope { TOKEN_HASH, TOKEN_ID, USER_ID, ALL }

  public static Invalidation tokenHash(String hash) {
    return new Invalidation(Scope.TOKEN_HASH, hash);
  }

  public static Invalidation tokenId(String id) {
    return new Invalidation(Scope.TOKEN_ID, id);
  }

  public static Invalidation user(String userId) {
    return new Invalidation(Scope.USER_ID, userId);
  }

  public static Invalidation all() {
    return new Invalidation(Scope.ALL, "");
  }

  /** Wire form for PostgreSQL NOTIFY: {@code SCOPE:value}. */
  public String encode() {
    return scope.name() + ":" + value;
  }

  public static Invalidation decode(String payload) {
    int colon = payload.indexOf(':');
    return new Invalidation(Scope.valueOf(payload.substring(0, colon)), payload.substring(colon + 1));
  }
}
