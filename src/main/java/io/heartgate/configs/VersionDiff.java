package io.heartgate.configs;

import com.github.difflib.DiffUtils;
import com.github.difflib.UnifiedDiffUtils;
import com.github.difflib.algorithm.DiffAlgorithmListener;
import com.github.difflib.algorithm.myers.MeyersDiff;
import com.github.difflib.patch.ChangeDelta;
import com.github.difflib.patch.Chunk;
import com.github.difflib.patch.Patch;
import java.util.ArrayList;
import java.util.List;

/**
 * A unified diff between two versions of a config's TOML (java-diff-utils), with 3 lines of context. Myers'
 * algorithm takes time with the square of the lines changed; versions further apart than {@link #MAX_EDITS} get
 * one hunk replacing everything between their common first and last lines instead (as diff's heuristics for large
 * files give up on the shortest diff).
 */
final class VersionDiff {
  /** The most lines removed plus lines added that the shortest diff is looked for with. */
  static final int MAX_EDITS = 1_000;
  private static final int CONTEXT = 3;
  private static final String NO_NEWLINE = "\n\\ No newline at end of file";

  /** Thrown by the algorithm's progress when it looks beyond {@link #MAX_EDITS}. */
  private static final class TooFarApart extends RuntimeException {
    TooFarApart() {
      super(null, null, false, false);
    }
  }

  private static final DiffAlgorithmListener EDIT_BUDGET = new DiffAlgorithmListener() {
    @Override
    public void diffStart() {
    }

    @Override
    public void diffStep(int edits, int max) {
      if (edits > MAX_EDITS) {
        throw new TooFarApart();
      }
    }

    @Override
    public void diffEnd() {
    }
  };

  private VersionDiff() {
  }

  /**
   * The diff from {@code from} to {@code to}, named {@code a/version-<n>} and {@code b/version-<m>}; empty when
   * the TOML is the same. Lines are split at LF only, so a change of line ending shows as a changed line.
   */
  static String unified(ConfigVersion from, ConfigVersion to) {
    if (from.toml().equals(to.toml())) {
      return "";
    }
    List<String> original = lines(from.toml());
    List<String> revised = lines(to.toml());
    Patch<String> patch;
    try {
      patch = DiffUtils.diff(original, revised, new MeyersDiff<>(), EDIT_BUDGET);
    } catch (TooFarApart e) {
      patch = middleReplaced(original, revised);
    }
    List<String> diff = UnifiedDiffUtils.generateUnifiedDiff("a/version-" + from.version(),
        "b/version-" + to.version(), original, patch, CONTEXT);
    StringBuilder text = new StringBuilder();
    diff.forEach(line -> text.append(line).append('\n'));
    return text.toString();
  }

  /** One change: every line between the lines both versions begin and end with. */
  private static Patch<String> middleReplaced(List<String> original, List<String> revised) {
    int first = 0;
    while (first < original.size() && first < revised.size() && original.get(first).equals(revised.get(first))) {
      first++;
    }
    int last = 0;
    while (last < original.size() - first && last < revised.size() - first
        && original.get(original.size() - 1 - last).equals(revised.get(revised.size() - 1 - last))) {
      last++;
    }
    Patch<String> patch = new Patch<>();
    patch.addDelta(new ChangeDelta<>(new Chunk<>(first, original.subList(first, original.size() - last)),
        new Chunk<>(first, revised.subList(first, revised.size() - last))));
    return patch;
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
