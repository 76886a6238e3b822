package io.heartgate.heartbeat;

/**
 * A heartbeat body that passed schema v1 validation, reduced to what the store keeps. The JSON parts are
 * compact JSON text, ready for their columns.
 *
 * @param reportedStatus ok, warn, fail or undefined; null when the agent did not include its status
 * @param statistics {@code {"errors","warnings","metrics"}} or null when not included
 * @param configurations the reported configuration sources, {@code []} when not included
 * @param logs the kept log entries within the storage limits, or null when logs were not included
 * @param extras the remaining fields of the latest heartbeat ({@code schema}, {@code last}, and how many log
 *     entries the limits dropped)
 */
public record HeartbeatBody(String id, String version, String hostname, String reportedStatus, String statistics,
    String configurations, String logs, String extras) {
}
