package io.heartgate.core;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Whether a request body is UTF-8 as JSON exchanged between systems must be (RFC 8259, section 8.1). Jackson
 * reads an overlong sequence as the character it spells (so {@code C0 AF} passes as {@code /} any filter in front
 * that looks at the bytes), and takes a body with zero bytes for UTF-16 or UTF-32.
 */
public final class StrictUtf8 {
  private StrictUtf8() {
  }

  /**
   * No zero byte (never in JSON text, and what a UTF-16 or UTF-32 body is full of), and, when any byte is not
   * ASCII, what the JDK's decoder takes as well-formed: no overlong form, no surrogate, nothing beyond U+10FFFF.
   */
  public static boolean valid(byte[] bytes) {
    boolean ascii = true;
    for (byte b : bytes) {
      if (b == 0) {
        return false;
      }
      ascii &= b > 0;
    }
    if (ascii) {
      return true;
    }
    try {
      StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }

  /** The bytes of a well-formed text (see {@link Check#wellFormed}) in UTF-8, counted without encoding it. */
  public static long length(CharSequence text) {
    long bytes = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x80) {
        bytes++;
      } else if (c < 0x800) {
        bytes += 2;
      } else if (Character.isHighSurrogate(c)) {
        bytes += 4;
        i++;
      } else {
        bytes += 3;
      }
    }
    return bytes;
  }
}
