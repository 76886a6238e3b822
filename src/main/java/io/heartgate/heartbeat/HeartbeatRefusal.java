package io.heartgate.heartbeat;

import io.heartgate.core.Unavailable;
import io.heartgate.metrics.HeartbeatMeters.Refusal;

/**
 * Why the backlog or the writer refused a heartbeat it had accepted: the 503 sentence the agent gets and the reason
 * it is counted under, in one place. Each has one failure, shared by every request it refuses (a {@code Failure}
 * carries no stack trace and nothing that changes), so a flood of refusals allocates none and the routes tell them
 * apart by identity.
 */
enum HeartbeatRefusal {
  QUEUE_FULL("Too many heartbeats waiting for the store; try again later", Refusal.QUEUE_FULL),
  WAITED_TOO_LONG("The heartbeat waited too long for the store; try again later", Refusal.WAITED_TOO_LONG),
  STORE_FAILED("The store is unavailable; try again later", Refusal.STORE_UNAVAILABLE),
  SHUTTING_DOWN("The gateway is shutting down; try again later", Refusal.SHUTTING_DOWN);

  private static final HeartbeatRefusal[] ALL = values();

  /** What the request fails with; the router's one error mapping answers it (503 with Retry-After). */
  final Unavailable failure;
  /** The reason the routes count it under. */
  final Refusal counted;

  HeartbeatRefusal(String sentence, Refusal counted) {
    this.failure = new Unavailable("unavailable", sentence);
    this.counted = counted;
  }

  /** The refusal whose failure this is; null for any other failure. */
  static HeartbeatRefusal of(Throwable failure) {
    for (HeartbeatRefusal refusal : ALL) {
      if (refusal.failure == failure) {
        return refusal;
      }
    }
    return null;
  }
}
