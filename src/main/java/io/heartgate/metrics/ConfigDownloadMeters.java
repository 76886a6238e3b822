package io.heartgate.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/** Config downloads ({@code GET}/{@code HEAD} of a config's TOML), by result. Counters are registered once. */
public final class ConfigDownloadMeters {
  /** How a download ended. */
  public enum Result {
    OK("ok"),
    /** 400: a parameter without default and without value, a malformed query. */
    INVALID("invalid"),
    UNAUTHORIZED("unauthorized"),
    FORBIDDEN("forbidden"),
    NOT_FOUND("not_found"),
    UNAVAILABLE("unavailable"),
    OTHER("other");

    private final String label;

    Result(String label) {
      this.label = label;
    }
  }

  private final Counter[] downloads;

  public ConfigDownloadMeters(MeterRegistry registry) {
    this.downloads = new Counter[Result.values().length];
    for (Result result : Result.values()) {
      downloads[result.ordinal()] = Counter.builder("heartgate.config.downloads")
          .description("Config TOML downloads (GET and HEAD), by result")
          .tag("result", result.label)
          .register(registry);
    }
  }

  public void downloaded(Result result) {
    downloads[result.ordinal()].increment();
  }

  /** The result of a download answered with this status. */
  public static Result ofStatus(int status) {
    return switch (status) {
      case 200 -> Result.OK;
      case 400 -> Result.INVALID;
      case 401 -> Result.UNAUTHORIZED;
      case 403 -> Result.FORBIDDEN;
      case 404 -> Result.NOT_FOUND;
      case 503 -> Result.UNAVAILABLE;
      default -> Result.OTHER;
    };
  }
}
