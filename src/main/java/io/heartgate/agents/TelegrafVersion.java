package io.heartgate.agents;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The release part of a heartbeat's version, so that builds of one release count together in the summary. */
final class TelegrafVersion {
  // "Telegraf 1.39.3 (git: HEAD@eb37a442)" → "1.39.3"; "Telegraf 1.37.0-c3db479e (git: …)" → "1.37.0-c3db479e".
  private static final Pattern RELEASE = Pattern.compile("^Telegraf\\s+(\\S+)");

  private TelegrafVersion() {
  }

  static String of(String reported) {
    if (reported == null) {
      return "unknown";
    }
    Matcher matcher = RELEASE.matcher(reported.trim());
    return matcher.find() ? matcher.group(1) : reported.trim();
  }
}
