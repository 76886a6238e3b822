package io.heartgate.heartbeat;

import java.util.List;

/**
 * The heartbeats one router event loop accepted in one turn, handed to the writer as one event-bus message: the
 * hop is paid once per turn, not once per heartbeat.
 */
public record HeartbeatBatch(List<AgentHeartbeat> heartbeats) {

  /**
   * The writer's one reply to a batch, sent once every heartbeat in it is settled.
   *
   * @param refusals in the batch's order: null where the heartbeat was committed, else the writer's refusal
   */
  public record Outcome(List<HeartbeatRefusal> refusals) {
  }
}
