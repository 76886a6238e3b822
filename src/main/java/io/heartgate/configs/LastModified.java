package io.heartgate.configs;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * The {@code Last-Modified} of a config's TOML: the latest change of the TOML itself or of a constant it uses (see
 * {@link ConfigDocument}). Telegraf's URL watcher compares the header as a string, and an HTTP-date has one-second
 * resolution, so every change must move the time to a later second: a TOML change is dated max(now, the start of
 * the next second after the document's previous Last-Modified), and so is a constant's change, past every document
 * that uses it. Two edits within one second therefore get two different dates, at the price of the date running
 * ahead of the wall clock, a second for each edit, while edits come faster than one a second.
 */
public final class LastModified {
  /**
   * IMF-fixdate (RFC 9110): a two-digit day. {@link DateTimeFormatter#RFC_1123_DATE_TIME} would write
   * "Wed, 2 Dec 2026", which is not the form HTTP asks for.
   */
  private static final DateTimeFormatter HTTP_DATE =
      DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);

  private LastModified() {
  }

  public static String format(long epochMillis) {
    return HTTP_DATE.format(Instant.ofEpochMilli(epochMillis));
  }

  /**
   * The earliest time a change may carry so that a document last modified at {@code lastModified} gets a later
   * date: the first millisecond of the following second. {@link #nextChangeSql} is the same rule in SQL.
   */
  static long nextChangeAfter(long lastModified) {
    return (lastModified / 1000 + 1) * 1000;
  }

  /**
   * SQL for the next change time, given the previous one as {@code previous} and now as {@code now}
   * (both epoch-millisecond SQL expressions): the first millisecond of the following second, or now if later.
   */
  public static String nextChangeSql(String previous, String now) {
    String nextSecond = "((" + previous + ") / 1000 + 1) * 1000";
    return "CASE WHEN " + now + " > " + nextSecond + " THEN " + now + " ELSE " + nextSecond + " END";
  }
}
