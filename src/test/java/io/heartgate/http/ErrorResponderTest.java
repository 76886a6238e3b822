package io.heartgate.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.heartgate.core.Conflict;
import io.heartgate.core.Invalid;
import io.heartgate.core.TooManyAttempts;
import io.heartgate.core.Unavailable;
import io.heartgate.store.StoreUnavailableException;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.impl.NoStackTraceTimeoutException;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import java.net.ConnectException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/** The one mapping from failures to answers: statuses, codes, details and Retry-After. */
class ErrorResponderTest {
  @Test
  void domainFailuresKeepTheirCodeAndDetails() {
    ErrorResponder.Answer invalid = ErrorResponder.answer(new Invalid("name", "name must be a string"), -1);
    assertEquals(400, invalid.status());
    assertEquals(Map.of("field", "name"), invalid.details());
    ErrorResponder.Answer conflict = ErrorResponder.answer(new Conflict("config_in_use", "in use",
        Map.of("agents", 2)), -1);
    assertEquals(List.of(409, "config_in_use", Map.of("agents", 2)),
        List.of(conflict.status(), conflict.code(), conflict.details()));
    ErrorResponder.Answer locked = ErrorResponder.answer(new TooManyAttempts("wait", 42), -1);
    assertEquals(List.of(429, 42), List.of(locked.status(), locked.retryAfterSeconds()));
  }

  @Test
  void aStoreOutOfReachOrOverloadedIsA503WithRetryAfterNotA500() {
    for (Throwable outage : List.of(new StoreUnavailableException("down", null), ClosedConnectionException.INSTANCE,
        new RuntimeException(new ConnectException("Connection refused")),
        new NoStackTraceTimeoutException("timed out"),
        new SQLiteException("[SQLITE_BUSY] database is locked", SQLiteErrorCode.SQLITE_BUSY),
        postgres("57P03", "the database system is starting up"),
        postgres("57P01", "terminating connection due to administrator command"),
        postgres("53300", "sorry, too many clients already"),
        new RuntimeException(postgres("08006", "connection failure")))) {
      ErrorResponder.Answer answer = ErrorResponder.answer(outage, -1);
      assertEquals(List.of(503, "store_unavailable", ErrorResponder.RETRY_AFTER_SECONDS),
          Arrays.asList(answer.status(), answer.code(), answer.retryAfterSeconds()), outage.toString());
    }
  }

  /** The heartbeat writer's refusals became Unavailable failures instead of event-bus replies: the same answer. */
  @Test
  void aWorkersRefusalReplyAnswersAsTheUnavailableFailureWithItsWords() {
    String sentence = "Too many heartbeats waiting for the store; try again later";
    ErrorResponder.Answer reply = ErrorResponder.answer(
        new ReplyException(ReplyFailure.RECIPIENT_FAILURE, 503, sentence), -1);
    assertEquals(reply, ErrorResponder.answer(new Unavailable("unavailable", sentence), -1));
    assertEquals(List.of(503, "unavailable", sentence, Map.of(), ErrorResponder.RETRY_AFTER_SECONDS),
        List.of(reply.status(), reply.code(), reply.message(), reply.details(), reply.retryAfterSeconds()));
  }

  @Test
  void anythingElseIsAPlain500() {
    ErrorResponder.Answer bug = ErrorResponder.answer(new IllegalStateException("a bug, with a secret"), -1);
    assertEquals(List.of(500, "internal_error", "Internal error"), List.of(bug.status(), bug.code(), bug.message()));
    ErrorResponder.Answer syntax = ErrorResponder.answer(postgres("42601", "syntax error at or near"), -1);
    assertEquals(500, syntax.status(), "PostgreSQL refusing a statement is no outage");
  }

  private static PgException postgres(String sqlState, String message) {
    return new PgException(message, "FATAL", sqlState, null);
  }
}
