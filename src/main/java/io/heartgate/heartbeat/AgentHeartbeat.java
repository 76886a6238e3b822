package io.heartgate.heartbeat;

/**
 * One accepted heartbeat on its way to the writer: what the agent reported plus what the gateway observed.
 *
 * @param receivedAt server time, epoch milliseconds
 */
public record AgentHeartbeat(String agentId, String version, String hostname, String reportedStatus, String ip,
    long receivedAt) {
}
