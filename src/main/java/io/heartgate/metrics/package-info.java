/**
 * The node's meters, on the bottom floor beside {@code core}: small recorders that features, the verifier and the
 * router call (each meter registered once, at start, so recording is a counter increment and nothing more), and
 * {@link io.heartgate.metrics.GatewayMetrics}, the registry they live in, with the JVM's, the process's and
 * Vert.x's own meters, scraped in the Prometheus text format. It imports nothing of Heartgate's own. No label
 * ever carries an agent id, a token, a user name or a raw request path.
 */
package io.heartgate.metrics;
