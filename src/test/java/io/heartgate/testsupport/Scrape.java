package io.heartgate.testsupport;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One scrape of {@code GET /metrics} as tests read it: samples by name and labels. */
public final class Scrape {
  private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)\\})?\\s+(\\S+)");
  private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

  /** One line of the text format. */
  public record Sample(String name, Map<String, String> labels, double value) {
  }

  private final String text;
  private final List<Sample> samples;

  private Scrape(String text, List<Sample> samples) {
    this.text = text;
    this.samples = samples;
  }

  public static Scrape parse(String text) {
    List<Sample> samples = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      Matcher sample = SAMPLE.matcher(line);
      if (!sample.find()) {
        throw new AssertionError("not a sample line: " + line);
      }
      Map<String, String> labels = new LinkedHashMap<>();
      if (sample.group(2) != null) {
        Matcher label = LABEL.matcher(sample.group(2));
        while (label.find()) {
          labels.put(label.group(1), label.group(2));
        }
      }
      samples.add(new Sample(sample.group(1), labels, Double.parseDouble(sample.group(3))));
    }
    return new Scrape(text, samples);
  }

  public String text() {
    return text;
  }

  public List<Sample> samples() {
    return samples;
  }

  /**
   * The sum of the samples of the name whose labels include the pairs given ({@code "reason", "queue_full"}, …);
   * 0 when there is none.
   */
  public double sum(String name, String... labelPairs) {
    double sum = 0;
    for (Sample sample : samples) {
      if (sample.name().equals(name) && matches(sample, labelPairs)) {
        sum += sample.value();
      }
    }
    return sum;
  }

  /** Whether any sample of the name with these labels is there. */
  public boolean has(String name, String... labelPairs) {
    return samples.stream().anyMatch(sample -> sample.name().equals(name) && matches(sample, labelPairs));
  }

  private static boolean matches(Sample sample, String[] labelPairs) {
    for (int i = 0; i < labelPairs.length; i += 2) {
      if (!labelPairs[i + 1].equals(sample.labels().get(labelPairs[i]))) {
        return false;
      }
    }
    return true;
  }
}
