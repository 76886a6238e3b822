package io.heartgate.auth;

import io.heartgate.core.TokenSyntax;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;

/** The API token format {@code tc-apiv1_} + 64 lowercase hex characters, its generation and its hash. */
public final class TokenFormat {
  public static final String PREFIX = TokenSyntax.PREFIX;
  private static final int HEX_LENGTH = TokenSyntax.HEX_LENGTH;
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final HexFormat HEX = HexFormat.of();
  /** A digest per thread: getInstance looks the algorithm up in the providers on every call. */
  private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  });

  private TokenFormat() {
  }

  /** Checked before any lookup, so a malformed value never costs a hash or a store query. */
  public static boolean isWellFormed(String token) {
    return TokenSyntax.isWellFormed(token);
  }

  /** A new token from 32 random bytes. */
  public static String generate() {
    byte[] bytes = new byte[HEX_LENGTH / 2];
    RANDOM.nextBytes(bytes);
    return PREFIX + HEX.formatHex(bytes);
  }

  /** The only form in which a token is stored: the SHA-256 of the whole string, in hex. */
  public static String hash(String token) {
    // digest() resets the instance, so the next call on this thread starts clean.
    return HEX.formatHex(SHA256.get().digest(token.getBytes(StandardCharsets.US_ASCII)));
  }
}
