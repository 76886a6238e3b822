package io.heartgate.heartbeat;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.heartgate.core.Unavailable;
import io.heartgate.metrics.HeartbeatMeters.Refusal;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The backlog's and the writer's refusals: the words the agent reads and the reason each is counted under. */
class HeartbeatRefusalTest {
  @Test
  void eachRefusalKeepsItsSentenceAndIsCountedByItsReason() {
    Map<HeartbeatRefusal, List<String>> expected = Map.of(
        HeartbeatRefusal.QUEUE_FULL, List.of("Too many heartbeats waiting for the store; try again later",
            "queue_full"),
        HeartbeatRefusal.WAITED_TOO_LONG, List.of("The heartbeat waited too long for the store; try again later",
            "waited_too_long"),
        HeartbeatRefusal.STORE_FAILED, List.of("The store is unavailable; try again later", "store_unavailable"),
        HeartbeatRefusal.SHUTTING_DOWN, List.of("The gateway is shutting down; try again later", "shutting_down"));
    assertEquals(EnumSet.allOf(HeartbeatRefusal.class), EnumSet.copyOf(expected.keySet()));
    for (HeartbeatRefusal refusal : HeartbeatRefusal.values()) {
      Refusal counted = HeartbeatRoutes.refusal(503, refusal.failure);
      assertEquals(expected.get(refusal), List.of(refusal.failure.getMessage(), counted.reason()), refusal.name());
      assertEquals(List.of(503, "unavailable"), List.of(counted.status(), refusal.failure.code()), refusal.name());
    }
  }

  @Test
  void otherFailuresAreNotTakenForTheWritersRefusals() {
    assertEquals(Refusal.STORE_UNAVAILABLE, HeartbeatRoutes.refusal(503, new ReplyException(
        ReplyFailure.RECIPIENT_FAILURE, 503, "The store is unavailable; try again later")), "the token verifier's");
    assertEquals(Refusal.BUSY, HeartbeatRoutes.refusal(503, new Unavailable("unavailable",
        "Too many heartbeats waiting for the store; try again later")), "the same words from elsewhere");
    assertEquals(Refusal.BUSY, HeartbeatRoutes.refusal(503, new ReplyException(ReplyFailure.TIMEOUT, -1, "timed out")));
  }
}
