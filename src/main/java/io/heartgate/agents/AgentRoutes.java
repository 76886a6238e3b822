package io.heartgate.agents;

import io.heartgate.core.Invalid;
import io.heartgate.http.Authenticator;
import io.heartgate.http.InFlightLimit;
import io.heartgate.http.PageRequest;
import io.heartgate.http.QueryParams;
import io.heartgate.http.RequestBody;
import io.heartgate.http.RequestOrigin;
import io.heartgate.http.Responses;
import io.heartgate.http.Routes;
import io.heartgate.labels.LabelFilter;
import io.heartgate.labels.LabelRoutes;
import io.heartgate.labels.LabelService;
import io.heartgate.labels.LabelTarget;
import io.heartgate.settings.AuthGroup;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Optional;

/** HTTP ↔ JSON for {@code /api/agents} and an agent's latest heartbeat. */
public final class AgentRoutes implements Routes {
  private static final int MAX_SEARCH = 255;
  /**
   * Pages of more agents than this are built {@value #LARGE_PAGES_AT_ONCE} at a time at most: a page of a thousand
   * agents at the largest heartbeats and a hundred labels each takes tens of megabytes while it is built.
   */
  private static final int LARGE_PAGE = 100;
  private static final int LARGE_PAGES_AT_ONCE = 2;
  /**
   * A page ends before the agent that would take it beyond about this many bytes, with a cursor to go on from there
   * (every page holds one agent at least): a thousand agents at the largest heartbeats took about 200 MiB to build.
   */
  static final long PAGE_BYTES = 4L * 1024 * 1024;

  private final AgentService agents;
  private final LabelService labels;
  private final Authenticator auth;
  /** The node's listings, built a few at a time (see {@link InFlightLimit}). */
  private final InFlightLimit listings;
  private final InFlightLimit largePages = new InFlightLimit(LARGE_PAGES_AT_ONCE, 0,
      "Too many large pages of agents are being built; try again");

  public AgentRoutes(AgentService agents, LabelService labels, Authenticator auth, InFlightLimit listings) {
    this.agents = agents;
    this.labels = labels;
    this.auth = auth;
    this.listings = listings;
  }

  @Override
  public void mount(Router router) {
    router.get("/api/agents").handler(auth.require(AuthGroup.AGENTS, "agents:read")).handler(this::list);
    router.get("/api/agents/summary").handler(auth.require(AuthGroup.AGENTS, "agents:read")).handler(ctx ->
        respond(ctx, agents.summary(LabelFilter.parse(QueryParams.of(ctx).getAll("label")))
            .map(AgentSummary::toJson)));
    // Assigning a label needs write on the agent and labels:read. The bulk paths come first: "bulk" is no agent.
    router.put("/api/agents/bulk/labels/assign")
        .handler(auth.require(AuthGroup.AGENTS, "agents:write", AuthGroup.LABELS, "labels:read"))
        .handler(ctx -> LabelRoutes.bulkAssignment(ctx, labels, LabelTarget.AGENT, (id, labelIds) ->
            agents.assignLabels(Authenticator.principal(ctx), id, labelIds, RequestOrigin.of(ctx))));
    router.put("/api/agents/bulk/labels/remove")
        .handler(auth.require(AuthGroup.AGENTS, "agents:write", AuthGroup.LABELS, "labels:read"))
        .handler(ctx -> LabelRoutes.bulkRemoval(ctx, labels, (id, labelIds) ->
            agents.removeLabels(Authenticator.principal(ctx), id, labelIds, RequestOrigin.of(ctx))));
    router.put("/api/agents/:id/labels/:labelId")
        .handler(auth.require(AuthGroup.AGENTS, "agents:write", AuthGroup.LABELS, "labels:read"))
        .handler(ctx -> respond(ctx, agents.assignLabels(Authenticator.principal(ctx), ctx.pathParam("id"),
                List.of(ctx.pathParam("labelId")), RequestOrigin.of(ctx))
            .compose(ignored -> agents.get(ctx.pathParam("id"))).map(Agent::toJson)));
    router.delete("/api/agents/:id/labels/:labelId")
        .handler(auth.require(AuthGroup.AGENTS, "agents:write", AuthGroup.LABELS, "labels:read"))
        .handler(ctx -> respond(ctx, agents.removeLabels(Authenticator.principal(ctx), ctx.pathParam("id"),
                List.of(ctx.pathParam("labelId")), RequestOrigin.of(ctx))
            .compose(ignored -> agents.get(ctx.pathParam("id"))).map(Agent::toJson)));
    router.get("/api/agents/:id").handler(auth.require(AuthGroup.AGENTS, "agents:read")).handler(ctx ->
        respond(ctx, agents.get(ctx.pathParam("id")).map(Agent::toJson)));
    router.patch("/api/agents/:id").handler(auth.require(AuthGroup.AGENTS, "agents:write")).handler(this::update);
    router.delete("/api/agents/:id").handler(auth.require(AuthGroup.AGENTS, "agents:delete")).handler(ctx ->
        agents.delete(Authenticator.principal(ctx), ctx.pathParam("id"), RequestOrigin.of(ctx))
            .onSuccess(ignored -> Responses.noContent(ctx))
            .onFailure(ctx::fail));
    // In no group: DISABLED_AUTH_ENDPOINTS=heartbeat opens the agents' way in, not their logs to everybody.
    router.get("/api/heartbeat/agent/:id/latest-heartbeat")
        .handler(auth.require("heartbeat:read"))
        .handler(ctx -> respond(ctx, agents.latestHeartbeat(ctx.pathParam("id")).map(LatestHeartbeat::toJson)));
  }

  private void list(RoutingContext ctx) {
    String status = QueryParams.of(ctx).get("status");
    if (status != null && !AgentStatus.isWireName(status)) {
      throw new Invalid("status", "status must be one of " + String.join(", ", AgentStatus.WIRE_NAMES));
    }
    String search = QueryParams.of(ctx).get("search");
    if (search != null && search.length() > MAX_SEARCH) {
      throw new Invalid("search", "search must be at most " + MAX_SEARCH + " characters");
    }
    String sortByName = Optional.ofNullable(QueryParams.of(ctx).get("sortBy")).orElse("id");
    AgentQuery.SortKey sortBy = AgentQuery.SortKey.byWireName(sortByName);
    if (sortBy == null) {
      throw new Invalid("sortBy", "sortBy must be one of id, hostname, lastSeen, status");
    }
    String order = Optional.ofNullable(QueryParams.of(ctx).get("sortOrder")).orElse("asc");
    if (!order.equals("asc") && !order.equals("desc")) {
      throw new Invalid("sortOrder", "sortOrder must be asc or desc");
    }
    boolean descending = order.equals("desc");
    PageRequest asked = PageRequest.of(ctx);
    int limit = asked.limit();
    AgentCursor after = asked.after(text -> AgentCursor.decode(text, sortBy, descending));
    AgentQuery query = new AgentQuery(status, search == null || search.isEmpty() ? null : search, sortBy,
        descending, limit, after, LabelFilter.parse(QueryParams.of(ctx).getAll("label")));
    if (limit > LARGE_PAGE) {
      // Two at a time whatever their size: a page ends before about PAGE_BYTES.
      largePages.answer(ctx, null, () -> built(query));
    } else {
      listings.answer(ctx, "agents", () -> built(query));
    }
  }

  /** The page as JSON: built within the work a large page's limit counts. */
  private Future<JsonObject> built(AgentQuery query) {
    return agents.page(query).map(page -> pageJson(page, query));
  }

  private static JsonObject pageJson(List<Agent> page, AgentQuery query) {
    int shown = 0;
    long bytes = 0;
    JsonArray items = new JsonArray();
    while (shown < Math.min(page.size(), query.limit())
        && (shown == 0 || bytes + page.get(shown).estimatedBytes() <= PAGE_BYTES)) {
      bytes += page.get(shown).estimatedBytes();
      items.add(page.get(shown++).toJson());
    }
    String next = null;
    if (shown < page.size()) {
      Agent last = page.get(shown - 1);
      Object value = switch (query.sortBy()) {
        case ID -> last.id();
        case HOSTNAME -> last.hostname() == null ? "" : last.hostname();
        case LAST_SEEN -> last.lastSeen();
        case STATUS -> last.status();
      };
      next = new AgentCursor(query.sortBy().wireName(), query.descending(), value, last.id()).encode();
    }
    return new JsonObject().put("agents", items).put("nextCursor", next);
  }

  /**
   * PATCH {"reportingRuleId": id or null (the default rule)}. Since labels became objects (v1.1), {@code labels}
   * is refused here: a list of names cannot say which label objects are meant, and creating labels would need
   * labels:write. They are assigned with PUT /api/agents/{id}/labels/{labelId}.
   */
  private void update(RoutingContext ctx) {
    JsonObject body = RequestBody.object(ctx);
    if (body.containsKey("labels")) {
      throw new Invalid("labels", "labels are label objects now: assign them with PUT /api/agents/{agentId}/labels/"
          + "{labelId} or PUT /api/agents/bulk/labels/assign");
    }
    if (!body.containsKey("reportingRuleId")) {
      throw new Invalid("reportingRuleId", "nothing to change: give reportingRuleId");
    }
    String ruleId = RequestBody.string(body, "reportingRuleId", false, 255);
    respond(ctx, agents.update(Authenticator.principal(ctx), ctx.pathParam("id"), ruleId, RequestOrigin.of(ctx))
        .map(Agent::toJson));
  }

  private static void respond(RoutingContext ctx, Future<JsonObject> result) {
    result.onSuccess(json -> Responses.json(ctx, 200, json)).onFailure(ctx::fail);
  }
}
