package io.heartgate.auth;

import java.util.HexFormat;

/**
 * A token hash as the {@link GrantCache} keys it: the 32 bytes of the SHA-256 in four longs, 48 bytes on the heap
 * where its 64-character hex string takes 104 (a million cached grants hold a million keys). The hex form is what
 * the store, the routers and the invalidations speak; this is the one place that turns it into a key and back.
 */
record TokenKey(long first, long second, long third, long fourth) {
  private static final HexFormat HEX = HexFormat.of();
  private static final int HEX_LENGTH = 64;

  /** The key of a hash of {@link TokenFormat#hash}: 64 lowercase hex digits. */
  static TokenKey ofHash(String hash) {
    if (hash.length() != HEX_LENGTH) {
      throw new IllegalArgumentException("a token hash has " + HEX_LENGTH + " hex digits, not " + hash.length());
    }
    return new TokenKey(HexFormat.fromHexDigitsToLong(hash, 0, 16), HexFormat.fromHexDigitsToLong(hash, 16, 32),
        HexFormat.fromHexDigitsToLong(hash, 32, 48), HexFormat.fromHexDigitsToLong(hash, 48, 64));
  }

  /** The hash again, as {@link TokenFormat#hash} wrote it: the store looks tokens up by it. */
  String hash() {
    return HEX.toHexDigits(first) + HEX.toHexDigits(second) + HEX.toHexDigits(third) + HEX.toHexDigits(fourth);
  }
}
