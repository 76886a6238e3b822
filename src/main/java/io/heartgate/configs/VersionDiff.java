package io.heartgate.configs;

import com.github.difflib.DiffUtils;
import com.github.difflib.UnifiedDiffUtils;
import java.util.ArrayList;
import java.util.List;

/** A unified diff between two versions of a config's TOML (java-diff-utils), with 3 lines of context. */
final class VersionDiff {
  private static final int CONTEXT = 3;
  private static final String NO_NEWLINE = "\n\\ No newline at end of file";

  private VersionDiff() {
  }

  /**
   * The diff from {@code from} to {@code to}, named {@code a/version-<n>} and {@code b/version-<m>}; empty when
   * the TOML is the same. Lines are split at LF only, so a change of line ending shows as a changed line.
   */
  static String unified(ConfigVersion from, ConfigVersion to) {
    List<String> original = lines(from.toml());
    List<String> revised = lines(to.toml());
    if (from.toml().equals(to.toml())) {
      return "";
    }
    List<String> diff = UnifiedDiffUtils.generateUnifiedDiff("a/version-" + from.version(),
        "b/version-" + to.version(), original, DiffUtils.diff(original, revised), CONTEXT);
    StringBuilder text = new StringBuilder();
    diff.forEach(line -> text.append(line).append('\n'));
    return text.toString();
  }

  /**
   * The lines of a text; a final line break ends the last line rather than starting an empty one. A last line
   * without one carries diff's marker, {@code \ No newline at end of file}, on a line of its own: so it differs
   * from the same line with a line break, and the marker follows it wherever it is printed, as diff does.
   */
  static List<String> lines(String text) {
    List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
    int last = lines.size() - 1;
    if (text.endsWith("\n") || text.isEmpty()) {
      lines.remove(last);
    } else {
      lines.set(last, lines.get(last) + NO_NEWLINE);
    }
    return lines;
  }
}
