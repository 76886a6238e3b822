package io.heartgate.agents;

import io.heartgate.core.Invalid;
import io.heartgate.core.NotFound;
import io.heartgate.http.Authenticator;
import io.heartgate.http.RequestBody;
import io.heartgate.http.Responses;
import io.heartgate.http.Routes;
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
  static final int DEFAULT_LIMIT = 100;
  static final int MAX_LIMIT = 1000;
  private static final int MAX_SEARCH = 255;
  private static final int MAX_LABELS = 50;
  private static final int MAX_LABEL = 64;

  private final AgentRepository agents;
  private final Authenticator auth;

  public AgentRoutes(AgentRepository agents, Authenticator auth) {
    this.agents = agents;
    this.auth = auth;
  }

  @Override
  public void mount(Router router) {
    router.get("/api/agents").handler(auth.require(AuthGroup.AGENTS, "agents:read")).handler(this::list);
    router.get("/api/agents/summary").handler(auth.require(AuthGroup.AGENTS, "agents:read")).handler(ctx ->
        respond(ctx, agents.summary(System.currentTimeMillis())));
    router.get("/api/agents/:id").handler(auth.require(AuthGroup.AGENTS, "agents:read")).handler(ctx ->
        respond(ctx, agents.byId(ctx.pathParam("id"), System.currentTimeMillis())
            .map(found -> found.orElseThrow(AgentRoutes::unknownAgent).toJson())));
    router.patch("/api/agents/:id").handler(auth.require(AuthGroup.AGENTS, "agents:write")).handler(this::update);
    router.delete("/api/agents/:id").handler(auth.require(AuthGroup.AGENTS, "agents:delete")).handler(ctx ->
        agents.delete(ctx.pathParam("id"))
            .onSuccess(deleted -> {
              if (deleted) {
                Responses.noContent(ctx);
              } else {
                ctx.fail(unknownAgent());
              }
            })
            .onFailure(ctx::fail));
    // In no group: DISABLED_AUTH_ENDPOINTS=heartbeat opens the agents' way in, not their logs to everybody.
    router.get("/api/heartbeat/agent/:id/latest-heartbeat")
        .handler(auth.require("heartbeat:read"))
        .handler(ctx -> respond(ctx, agents.latestHeartbeat(ctx.pathParam("id"))
            .map(found -> found.orElseThrow(AgentRoutes::unknownAgent))));
  }

  private void list(RoutingContext ctx) {
    String status = ctx.queryParams().get("status");
    if (status != null && !AgentRepository.STATUSES.contains(status)) {
      throw new Invalid("status", "status must be one of " + String.join(", ", AgentRepository.STATUSES));
    }
    String search = ctx.queryParams().get("search");
    if (search != null && search.length() > MAX_SEARCH) {
      throw new Invalid("search", "search must be at most " + MAX_SEARCH + " characters");
    }
    String sortByName = Optional.ofNullable(ctx.queryParams().get("sortBy")).orElse("id");
    AgentQuery.SortKey sortBy = AgentQuery.SortKey.byWireName(sortByName);
    if (sortBy == null) {
      throw new Invalid("sortBy", "sortBy must be one of id, hostname, lastSeen, status");
    }
    String order = Optional.ofNullable(ctx.queryParams().get("sortOrder")).orElse("asc");
    if (!order.equals("asc") && !order.equals("desc")) {
      throw new Invalid("sortOrder", "sortOrder must be asc or desc");
    }
    boolean descending = order.equals("desc");
    int limit = limit(ctx.queryParams().get("limit"));
    String cursorText = ctx.queryParams().get("cursor");
    AgentCursor after = cursorText == null || cursorText.isEmpty() ? null
        : AgentCursor.decode(cursorText, sortBy, descending);
    AgentQuery query = new AgentQuery(status, search == null || search.isEmpty() ? null : search, sortBy,
        descending, limit, after);
    agents.page(query, System.currentTimeMillis())
        .onSuccess(page -> Responses.json(ctx, 200, pageJson(page, query)))
        .onFailure(ctx::fail);
  }

  private static JsonObject pageJson(List<Agent> page, AgentQuery query) {
    boolean more = page.size() > query.limit();
    List<Agent> shown = more ? page.subList(0, query.limit()) : page;
    JsonArray items = new JsonArray();
    shown.forEach(agent -> items.add(agent.toJson()));
    String next = null;
    if (more) {
      Agent last = shown.get(shown.size() - 1);
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

  private static int limit(String text) {
    if (text == null) {
      return DEFAULT_LIMIT;
    }
    try {
      int limit = Integer.parseInt(text);
      if (limit >= 1 && limit <= MAX_LIMIT) {
        return limit;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw new Invalid("limit", "limit must be an integer from 1 to " + MAX_LIMIT);
  }

  /** PATCH {"reportingRuleId": id or null (the default rule), "labels": [..]}. */
  private void update(RoutingContext ctx) {
    JsonObject body = RequestBody.object(ctx);
    String id = ctx.pathParam("id");
    boolean setRule = body.containsKey("reportingRuleId");
    String ruleId = setRule ? RequestBody.string(body, "reportingRuleId", false, 255) : null;
    List<String> labels = RequestBody.strings(body, "labels", false);
    if (labels != null && (labels.size() > MAX_LABELS
        || labels.stream().anyMatch(label -> label.isBlank() || label.length() > MAX_LABEL))) {
      throw new Invalid("labels", "labels must be at most " + MAX_LABELS + " non-empty strings of at most "
          + MAX_LABEL + " characters");
    }
    if (!setRule && labels == null) {
      throw new Invalid("reportingRuleId", "nothing to change: give reportingRuleId or labels");
    }
    Future<Boolean> ruleKnown = ruleId == null ? Future.succeededFuture(true) : agents.ruleExists(ruleId);
    respond(ctx, ruleKnown
        .compose(known -> {
          if (!known) {
            throw new Invalid("reportingRuleId", "reportingRuleId names no reporting rule");
          }
          return agents.update(id, setRule, ruleId, labels == null ? null : new JsonArray(labels).encode());
        })
        .compose(updated -> {
          if (!updated) {
            throw unknownAgent();
          }
          return agents.byId(id, System.currentTimeMillis());
        })
        .map(found -> found.orElseThrow(AgentRoutes::unknownAgent).toJson()));
  }

  private static void respond(RoutingContext ctx, Future<JsonObject> result) {
    result.onSuccess(json -> Responses.json(ctx, 200, json)).onFailure(ctx::fail);
  }

  private static NotFound unknownAgent() {
    return new NotFound("Agent not found");
  }
}
