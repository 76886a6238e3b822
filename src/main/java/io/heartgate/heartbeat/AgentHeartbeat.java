package io.heartgate.heartbeat;

/**
 * One accepted heartbeat on its way to the writer: what the agent reported plus what the gateway observed.
 *
 * @param ip the agent's address as the gateway determined it
 * @param receivedAt server time, epoch milliseconds
 * @param bodyBytes size of the request body, what the heartbeat costs in memory while it waits for the store
 */
public record AgentHeartbeat(HeartbeatBody body, String ip, long receivedAt, int bodyBytes) {
  public String agentId() {
    return body.id();
  }
}
