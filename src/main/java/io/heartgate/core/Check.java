package io.heartgate.core;

import java.text.Normalizer;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;

/**
 * The one validator of what clients send: texts, times and page limits, from a JSON body, a heartbeat or a query
 * string alike. Every refusal is an {@link Invalid} naming the field, in the same words wherever it happens.
 */
public final class Check {
  /** Scripts whose letters a zero-width joiner or non-joiner changes nothing in (see {@link #joinsTwo}). */
  private static final Set<Character.UnicodeScript> NEVER_JOINED = EnumSet.of(Character.UnicodeScript.LATIN,
      Character.UnicodeScript.GREEK, Character.UnicodeScript.CYRILLIC, Character.UnicodeScript.HAN,
      Character.UnicodeScript.HIRAGANA, Character.UnicodeScript.KATAKANA, Character.UnicodeScript.HANGUL);

  private Check() {
  }

  /**
   * How a text field must look.
   *
   * @param required absent (or JSON null) is refused rather than read as null
   * @param blankAllowed an empty or all-space value is accepted
   * @param maxLength the most UTF-16 characters accepted
   * @param name a name, which holds no control characters and no invisible formatting ({@link #isPlain})
   * @param chosen a name an operator chooses: no space at either end, single ordinary spaces between words, kept in
   *     NFC (see {@link #asChosenName})
   */
  public record Text(boolean required, boolean blankAllowed, int maxLength, boolean name, boolean chosen) {
    public static Text required(int maxLength) {
      return new Text(true, false, maxLength, false, false);
    }

    public static Text optional(int maxLength) {
      return new Text(false, false, maxLength, false, false);
    }

    /** The same rule, with an empty value accepted (a description that may be cleared). */
    public Text orBlank() {
      return new Text(required, true, maxLength, name, chosen);
    }

    /** The same rule, for a name: shown in lists, dialogs, logs and terminals as what tells it apart. */
    public Text asName() {
      return new Text(required, blankAllowed, maxLength, true, chosen);
    }

    /**
     * The same rule, for a name an operator chooses (of a label, config, group, token or reporting rule): nor may it
     * begin or end with a space, no-break ones and the Braille blank included, which would tell {@code web} and
     * {@code web } apart by nothing shown, nor hold a space but single ordinary ones between words (a no-break or
     * a doubled space looks like one, and HTML shows two as one); and it is kept in Unicode's composed form (NFC),
     * so that "café" typed with a combining accent is the same name as "café". Not for what agents report, which is
     * taken as it comes.
     */
    public Text asChosenName() {
      return new Text(required, blankAllowed, maxLength, true, true);
    }
  }

  /**
   * A text value (null when absent and allowed to be). Never NUL (PostgreSQL's text cannot hold it) nor a lone
   * surrogate (it has no UTF-8 form, so two distinct values would be stored alike).
   *
   * @param value what the client sent: null when absent, a String, or anything else (refused as not a string)
   */
  public static String text(String field, Object value, Text rule) {
    if (value == null) {
      if (rule.required()) {
        throw new Invalid(field, field + " is required");
      }
      return null;
    }
    if (!(value instanceof String sent)) {
      throw new Invalid(field, field + " must be a string");
    }
    String text = rule.chosen() && !Normalizer.isNormalized(sent, Normalizer.Form.NFC)
        ? Normalizer.normalize(sent, Normalizer.Form.NFC) : sent;
    if (!rule.blankAllowed() && text.isBlank()) {
      throw new Invalid(field, field + " must not be empty");
    }
    // Characters, as the contract counts them (a character beyond U+FFFF is two UTF-16 units); the second test is
    // only read when the first cannot tell.
    if (text.length() > rule.maxLength() && text.codePointCount(0, text.length()) > rule.maxLength()) {
      throw new Invalid(field, field + " must be at most " + rule.maxLength() + " characters");
    }
    unicode(field, text);
    if (rule.name() && !isPlain(text)) {
      throw new Invalid(field, field
          + " must not contain control characters or invisible formatting (such as U+202E)");
    }
    if (rule.chosen() && !text.isEmpty() && (space(text.codePointAt(0))
        || space(text.codePointBefore(text.length())))) {
      throw new Invalid(field, field + " must not begin or end with a space");
    }
    if (rule.chosen() && !singleSpaced(text)) {
      throw new Invalid(field, field + " must separate words with single ordinary spaces (U+0020)");
    }
    return text;
  }

  /** Whether the only spaces in the text are single U+0020s (its ends are checked apart). */
  private static boolean singleSpaced(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == ' ' ? i > 0 && text.charAt(i - 1) == ' ' : c > 0x7e && space(c)) {
        return false;
      }
    }
    return true;
  }

  /** A space, no-break ones included, or the Braille pattern blank: a symbol by Unicode's tables, blank on screen. */
  private static boolean space(int c) {
    return Character.isWhitespace(c) || Character.isSpaceChar(c) || c == 0x2800;
  }

  /**
   * Whether the text holds no control character (C0, DEL, C1: a line break, an escape sequence for a terminal), no
   * line or paragraph separator, and none of the invisible characters that make one name look like another or
   * reorder the text around it: Unicode's format characters (the bidirectional marks, embeddings, overrides and
   * isolates, the zero-width space, the soft hyphen, the word joiner, the byte-order mark, the tags), the combining
   * grapheme joiner, the Hangul fillers, Khmer's two inherent vowels (which Unicode says not to use), and a variation
   * selector where it selects nothing (see {@link #selectsAVariation}). The zero-width joiner and non-joiner stay
   * where they join (see {@link #joinsTwo}): scripts and emoji need them.
   */
  static boolean isPlain(String text) {
    for (int i = 0; i < text.length(); i += Character.charCount(text.codePointAt(i))) {
      if (hiddenAt(text, i)) {
        return false;
      }
    }
    return true;
  }

  /**
   * The text with each character {@link #isPlain} refuses as {@code ?}: for what is recorded as a client sent it,
   * a User-Agent say, read as Latin-1 so that its bytes 0x80–0x9F are C1 controls.
   */
  public static String printable(String text) {
    if (isPlain(text)) {
      return text;
    }
    StringBuilder shown = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i += Character.charCount(text.codePointAt(i))) {
      shown.appendCodePoint(hiddenAt(text, i) ? '?' : text.codePointAt(i));
    }
    return shown.toString();
  }

  private static boolean hiddenAt(String text, int i) {
    int c = text.codePointAt(i);
    // Printable ASCII, nearly every name, passes without a look at Unicode's tables.
    if (c >= 0x20 && c <= 0x7e) {
      return false;
    }
    int type = Character.getType(c);
    return type == Character.CONTROL || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR
        || type == Character.FORMAT && (c != 0x200c && c != 0x200d || !joinsTwo(text, i))
        || c == 0x034f || c == 0x115f || c == 0x1160 || c == 0x3164 || c == 0xffa0 || c == 0x17b4 || c == 0x17b5
        || variationSelector(c) && !selectsAVariation(text, i);
  }

  /**
   * Whether the zero-width joiner or non-joiner at i stands between two characters it can join: beyond ASCII, no
   * space or format character (a joiner included), and of none of the scripts that never join (Latin, Greek,
   * Cyrillic, Han, Kana, Hangul); so in emoji sequences, Indic, Arabic and the like. Elsewhere it shows nothing and
   * changes nothing, and "web" with one inside or at an end is another name that looks the same.
   */
  private static boolean joinsTwo(String text, int i) {
    int after = i + 1;
    return i > 0 && after < text.length() && joinable(text.codePointBefore(i)) && joinable(text.codePointAt(after));
  }

  private static boolean joinable(int c) {
    return c > 0x7e && !space(c) && Character.getType(c) != Character.FORMAT && !NEVER_JOINED.contains(
        Character.UnicodeScript.of(c));
  }

  private static boolean variationSelector(int c) {
    return c >= 0xfe00 && c <= 0xfe0f || c >= 0xe0100 && c <= 0xe01ef || c >= 0x180b && c <= 0x180d || c == 0x180f;
  }

  /**
   * Whether the variation selector at i can choose how the character before it looks, by Unicode's kinds of
   * variation: an ideograph's (U+E0100 on) after a Han character, Mongolian's after a Mongolian one, text or emoji
   * presentation (U+FE0E, U+FE0F) after a symbol that is no letter, or U+FE0F in a keycap (a digit, {@code #} or
   * {@code *}, the selector, then U+20E3); the other standardized ones (U+FE00 to U+FE0D) after any character
   * beyond ASCII that is no space, mark, format character or selector. Elsewhere, first included, it changes
   * nothing visible, and "web" or "café" with one after it is another name that looks the same.
   */
  private static boolean selectsAVariation(String text, int i) {
    if (i == 0) {
      return false;
    }
    int selector = text.codePointAt(i);
    int before = text.codePointBefore(i);
    if (before <= 0x7e) {
      int after = i + Character.charCount(selector);
      return selector == 0xfe0f && (before >= '0' && before <= '9' || before == '#' || before == '*')
          && after < text.length() && text.codePointAt(after) == 0x20e3;
    }
    int type = Character.getType(before);
    if (variationSelector(before) || space(before) || type == Character.NON_SPACING_MARK
        || type == Character.COMBINING_SPACING_MARK || type == Character.ENCLOSING_MARK || type == Character.FORMAT) {
      return false;
    }
    if (selector >= 0xe0100) {
      return Character.UnicodeScript.of(before) == Character.UnicodeScript.HAN;
    }
    if (selector <= 0x180f) {
      return Character.UnicodeScript.of(before) == Character.UnicodeScript.MONGOLIAN;
    }
    // U+2139 (ℹ) is a letter by its category and an emoji with U+FE0F.
    return selector < 0xfe0e || !Character.isLetter(before) || before == 0x2139;
  }

  /** Whether the text holds neither NUL nor an unpaired surrogate (what {@link #unicode} refuses). */
  public static boolean wellFormed(CharSequence text) {
    int length = text.length();
    for (int i = 0; i < length; i++) {
      char c = text.charAt(i);
      if (c == '\0' || Character.isSurrogate(c) && (Character.isLowSurrogate(c) || ++i == length
          || !Character.isLowSurrogate(text.charAt(i)))) {
        return false;
      }
    }
    return true;
  }

  /** Refuses NUL and unpaired surrogates, naming the field. */
  public static void unicode(String field, String text) {
    if (!wellFormed(text)) {
      throw new Invalid(field, text.indexOf('\0') >= 0 ? field + " must not contain NUL characters"
          : field + " must be valid Unicode text (it holds an unpaired surrogate)");
    }
  }

  /**
   * An RFC 3339 time such as {@code 2027-01-31T00:00:00Z} (any offset), within the range of epoch milliseconds; its
   * year of four digits, as RFC 3339 has it (the JDK's parser also reads a signed year of more).
   */
  public static Instant time(String field, String text) {
    try {
      if (text.length() < 5 || text.charAt(4) != '-' || !Character.isDigit(text.charAt(0))) {
        throw new DateTimeException(text);
      }
      Instant instant = Rfc3339.parse(text);
      instant.toEpochMilli();
      return instant;
    } catch (DateTimeException | ArithmeticException e) {
      throw new Invalid(field, field + " must be an RFC 3339 time such as 2027-01-31T00:00:00Z");
    }
  }

  /**
   * A page size from a query string: {@code absent} when not given, else an integer from 1 to {@code max} in ASCII
   * digits (Java would read other scripts' digits too).
   */
  public static int limit(String field, String text, int absent, int max) {
    if (text == null || text.isEmpty()) {
      return absent;
    }
    long limit = 0;
    for (int i = 0; i < text.length() && limit <= max; i++) {
      char c = text.charAt(i);
      limit = c >= '0' && c <= '9' ? limit * 10 + (c - '0') : Long.MAX_VALUE;
    }
    if (limit >= 1 && limit <= max) {
      return (int) limit;
    }
    throw new Invalid(field, field + " must be an integer from 1 to " + max);
  }
}
