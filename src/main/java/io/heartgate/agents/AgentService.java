package io.heartgate.agents;

import io.heartgate.core.Invalid;
import io.heartgate.core.NotFound;
import io.heartgate.reportingrules.ReportingRuleService;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import java.time.Clock;
import java.util.List;

/**
 * The rules of agents: status is read as of the clock's now, an agent's reporting rule must exist, labels are
 * short and few. Agents are created and refreshed only by the heartbeat writer.
 */
public final class AgentService {
  private static final int MAX_LABELS = 50;
  private static final int MAX_LABEL = 64;

  private final AgentRepository agents;
  private final ReportingRuleService rules;
  private final Clock clock;

  public AgentService(AgentRepository agents, ReportingRuleService rules, Clock clock) {
    this.agents = agents;
    this.rules = rules;
    this.clock = clock;
  }

  /**
   * What a PATCH asks to change, fields already checked for type.
   *
   * @param setRule whether {@code reportingRuleId} was given; a null id then means the default rule
   * @param labels the new labels, or null to keep them
   */
  public record Changes(boolean setRule, String reportingRuleId, List<String> labels) {
  }

  public Future<Agent> get(String id) {
    return agents.byId(id, clock.millis()).compose(found -> found.map(Future::succeededFuture)
        .orElseGet(() -> Future.failedFuture(unknownAgent())));
  }

  /** One page, plus one more agent when there are more (so the caller knows whether to hand out a cursor). */
  public Future<List<Agent>> page(AgentQuery query) {
    return agents.page(query, clock.millis());
  }

  public Future<AgentSummary> summary() {
    return agents.summary(clock.millis());
  }

  public Future<LatestHeartbeat> latestHeartbeat(String id) {
    return agents.latestHeartbeat(id).compose(found -> found.map(Future::succeededFuture)
        .orElseGet(() -> Future.failedFuture(unknownAgent())));
  }

  /** Applies the changes and returns the agent as it is now. */
  public Future<Agent> update(String id, Changes changes) {
    List<String> labels = changes.labels();
    if (labels != null && (labels.size() > MAX_LABELS
        || labels.stream().anyMatch(label -> label.isBlank() || label.length() > MAX_LABEL))) {
      return Future.failedFuture(new Invalid("labels", "labels must be at most " + MAX_LABELS
          + " non-empty strings of at most " + MAX_LABEL + " characters"));
    }
    if (!changes.setRule() && labels == null) {
      return Future.failedFuture(new Invalid("reportingRuleId", "nothing to change: give reportingRuleId or labels"));
    }
    String ruleId = changes.reportingRuleId();
    return (ruleId == null ? Future.succeededFuture(true) : rules.exists(ruleId))
        .compose(known -> known ? agents.update(id, changes.setRule(), ruleId,
                labels == null ? null : new JsonArray(labels).encode())
            : Future.failedFuture(new Invalid("reportingRuleId", "reportingRuleId names no reporting rule")))
        .compose(updated -> updated ? get(id) : Future.failedFuture(unknownAgent()));
  }

  /** Deletes the agent and its latest heartbeat. */
  public Future<Void> delete(String id) {
    return agents.delete(id).compose(deleted -> deleted ? Future.succeededFuture()
        : Future.failedFuture(unknownAgent()));
  }

  /**
   * The reported configuration sources (JSON array text) of every agent reporting now whose latest heartbeat's
   * sources contain the text; see {@link AgentRepository#configurationsOfReportingAgentsMentioning}.
   */
  public Future<List<String>> configurationsOfReportingAgentsMentioning(String text) {
    return agents.configurationsOfReportingAgentsMentioning(text, clock.millis());
  }

  private static NotFound unknownAgent() {
    return new NotFound("Agent not found");
  }
}
