package io.heartgate.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/** Password logins ({@code POST /api/auth/login/local}), by result. Counters are registered once. */
public final class LoginMeters {
  /** How a login attempt ended. */
  public enum Result {
    SUCCESS("success"),
    /** Wrong password, unknown or disabled user. */
    FAILURE("failure"),
    /** Refused (429) because a login limit had closed: too many failures of the pair, the address or the user. */
    LOCKED_OUT("locked_out"),
    /** Refused (429) because the password-hashing pool was full. */
    BUSY("busy"),
    /** Not answered for lack of the store, or by an unexpected failure. */
    ERROR("error");

    private final String label;

    Result(String label) {
      this.label = label;
    }
  }

  private final Counter[] logins;

  public LoginMeters(MeterRegistry registry) {
    this.logins = new Counter[Result.values().length];
    for (Result result : Result.values()) {
      logins[result.ordinal()] = Counter.builder("heartgate.logins")
          .description("Password login attempts, by result")
          .tag("result", result.label)
          .register(registry);
    }
  }

  public void attempted(Result result) {
    logins[result.ordinal()].increment();
  }
}
