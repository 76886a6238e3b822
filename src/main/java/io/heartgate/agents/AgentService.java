package io.heartgate.agents;

import io.heartgate.audit.AuditLog;
import io.heartgate.auth.Principal;
import io.heartgate.core.ClientInfo;
import io.heartgate.core.Invalid;
import io.heartgate.core.NotFound;
import io.heartgate.labels.LabelFilter;
import io.heartgate.labels.LabelService;
import io.heartgate.labels.LabelTarget;
import io.heartgate.reportingrules.ReportingRuleService;
import io.heartgate.store.ForeignKeyViolation;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import java.time.Clock;
import java.util.List;

/**
 * The rules of agents: status is read as of the clock's now, an agent's reporting rule must exist, labels are
 * assigned through {@link LabelService}, and a change or deletion through the API is audited. Agents are created and
 * refreshed only by the heartbeat writer.
 */
public final class AgentService {
  private static final String TARGET = "agent";
  private final AgentRepository agents;
  private final ReportingRuleService rules;
  private final LabelService labels;
  private final AuditLog audit;
  private final Clock clock;
  private final SearchSamples searchSamples;

  public AgentService(AgentRepository agents, ReportingRuleService rules, LabelService labels, AuditLog audit,
      Clock clock) {
    this.agents = agents;
    this.rules = rules;
    this.labels = labels;
    this.audit = audit;
    this.clock = clock;
    this.searchSamples = new SearchSamples(agents::searchSample, clock);
  }

  /** The agent as it is now, with its labels. */
  public Future<Agent> get(String id) {
    return exists(id).compose(agent -> withLabels(List.of(agent))).map(list -> list.get(0));
  }

  private Future<Agent> exists(String id) {
    return agents.byId(id, clock.millis()).compose(found -> found.map(Future::succeededFuture)
        .orElseGet(() -> Future.failedFuture(unknownAgent())));
  }

  /**
   * One page, plus one more agent when there are more (so the caller knows whether to hand out a cursor), each
   * with its labels.
   */
  public Future<List<Agent>> page(AgentQuery query) {
    return (query.search() == null ? Future.succeededFuture(SearchSample.NONE) : searchSamples.current())
        .compose(sample -> agents.page(query, sample, clock.millis()))
        .compose(this::withLabels);
  }

  /** Takes the sample that searches are planned with before the first search, which would wait for it. */
  public void sampleForSearches() {
    searchSamples.current();
  }

  public Future<AgentSummary> summary(LabelFilter filter) {
    return agents.summary(clock.millis(), filter);
  }

  /** Assigns the labels (all must exist) to the agent; assigned ones stay. */
  public Future<Void> assignLabels(Principal actor, String id, List<String> labelIds, ClientInfo client) {
    return exists(id).compose(agent -> labels.assign(actor, LabelTarget.AGENT, id, labelIds, client,
        AgentService::unknownAgent));
  }

  /** Removes the labels (all must exist) from the agent; labels it does not carry are ignored. */
  public Future<Void> removeLabels(Principal actor, String id, List<String> labelIds, ClientInfo client) {
    return exists(id).compose(agent -> labels.remove(actor, LabelTarget.AGENT, id, labelIds, client));
  }

  private Future<List<Agent>> withLabels(List<Agent> page) {
    if (page.isEmpty()) {
      return Future.succeededFuture(page);
    }
    return labels.referencesOf(LabelTarget.AGENT, page.stream().map(Agent::id).toList())
        .map(byAgent -> page.stream().map(agent -> agent.withLabels(byAgent.getOrDefault(agent.id(),
            new JsonArray()))).toList());
  }

  public Future<LatestHeartbeat> latestHeartbeat(String id) {
    return agents.latestHeartbeat(id).compose(found -> found.map(Future::succeededFuture)
        .orElseGet(() -> Future.failedFuture(unknownAgent())));
  }

  /**
   * Sets the agent's reporting rule (null: the default rule) and returns the agent as it is now. Labels are no
   * longer set here: they are label objects, assigned with {@link #assignLabels}.
   */
  public Future<Agent> update(Principal actor, String id, String ruleId, ClientInfo client) {
    return (ruleId == null ? Future.succeededFuture(true) : rules.exists(ruleId))
        .compose(known -> known ? agents.update(id, ruleId)
            // A rule deleted between the check and the write: its foreign key refused the write.
            .recover(failure -> Future.failedFuture(ForeignKeyViolation.in(failure) ? unknownRule() : failure))
            : Future.failedFuture(unknownRule()))
        .compose(updated -> updated ? audit.record("agent.update", actor, TARGET, id, AuditLog.SUCCESS, client)
            : Future.failedFuture(unknownAgent()))
        .compose(ignored -> get(id));
  }

  private static Invalid unknownRule() {
    return new Invalid("reportingRuleId", "reportingRuleId names no reporting rule");
  }

  /** Deletes the agent and its latest heartbeat. */
  public Future<Void> delete(Principal actor, String id, ClientInfo client) {
    return agents.delete(id).compose(deleted -> deleted
        ? audit.record("agent.delete", actor, TARGET, id, AuditLog.SUCCESS, client)
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
