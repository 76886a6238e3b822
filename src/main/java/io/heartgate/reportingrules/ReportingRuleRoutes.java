package io.heartgate.reportingrules;

import io.heartgate.core.Check;
import io.heartgate.core.IdSnapshot;
import io.heartgate.core.Invalid;
import io.heartgate.http.Authenticator;
import io.heartgate.http.InFlightLimit;
import io.heartgate.http.RequestBody;
import io.heartgate.http.RequestOrigin;
import io.heartgate.http.Responses;
import io.heartgate.http.Routes;
import io.heartgate.http.StreamedListing;
import io.heartgate.settings.AuthGroup;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.math.BigInteger;

/** HTTP ↔ JSON for {@code /api/reporting-rules}, in the {@code reporting-rules} authentication group. */
public final class ReportingRuleRoutes implements Routes {
  private static final int MAX_NAME = 255;
  private static final long MIN_NOT_REPORTING = 1;
  private static final long MAX_NOT_REPORTING = 31_536_000; // one year
  private static final long MIN_AUTO_DELETE = 1;
  private static final long MAX_AUTO_DELETE = 315_360_000; // ten years

  private static final String NAME = "name";
  private static final String NOT_REPORTING = "notReportingAfterSeconds";
  private static final String AUTO_DELETE = "autoDeleteAfterSeconds";
  private static final String DEFAULT = "default";

  private final ReportingRuleService service;
  private final Authenticator auth;
  /** The node's listings, built a few at a time (see {@link InFlightLimit}). */
  private final InFlightLimit listings;

  public ReportingRuleRoutes(ReportingRuleService service, Authenticator auth, InFlightLimit listings) {
    this.service = service;
    this.auth = auth;
    this.listings = listings;
  }

  @Override
  public void mount(Router router) {
    AuthGroup group = AuthGroup.REPORTING_RULES;
    router.get("/api/reporting-rules").handler(auth.require(group, "reporting-rules:read")).handler(this::list);
    router.post("/api/reporting-rules").handler(auth.require(group, "reporting-rules:write")).handler(this::create);
    router.get("/api/reporting-rules/:id").handler(auth.require(group, "reporting-rules:read")).handler(ctx ->
        respond(ctx, 200, service.get(ctx.pathParam("id"))));
    router.patch("/api/reporting-rules/:id").handler(auth.require(group, "reporting-rules:write"))
        .handler(this::update);
    router.delete("/api/reporting-rules/:id").handler(auth.require(group, "reporting-rules:delete")).handler(ctx ->
        service.delete(Authenticator.principal(ctx), ctx.pathParam("id"), RequestOrigin.of(ctx))
            .onSuccess(ignored -> Responses.noContent(ctx))
            .onFailure(ctx::fail));
  }

  private void list(RoutingContext ctx) {
    StreamedListing.<IdSnapshot, RuleCursor>answer(ctx, listings, "rules",
        at -> service.page(at).map(page -> page.map(ReportingRule::toJson)),
        new StreamedListing.ByCursor<>(ReportingRuleService.LISTING_PAGE, (after, count) -> service.after(after, count)
            .map(page -> page.map(ReportingRule::toJson)), RuleCursor::decode, RuleCursor::encode));
  }

  private void create(RoutingContext ctx) {
    JsonObject body = RequestBody.object(ctx);
    ReportingRuleService.NewRule rule = new ReportingRuleService.NewRule(
        Check.text(NAME, body.getValue(NAME), Check.Text.required(MAX_NAME).asChosenName()),
        whole(body, NOT_REPORTING, MIN_NOT_REPORTING, MAX_NOT_REPORTING, true),
        whole(body, AUTO_DELETE, MIN_AUTO_DELETE, MAX_AUTO_DELETE, false),
        Boolean.TRUE.equals(flag(body, DEFAULT)));
    respond(ctx, 201, service.create(Authenticator.principal(ctx), rule, RequestOrigin.of(ctx)));
  }

  private void update(RoutingContext ctx) {
    JsonObject body = RequestBody.object(ctx);
    // A PATCH may clear the auto-delete threshold with null; the other fields always have a value.
    RequestBody.refuseNulls(body, NAME, NOT_REPORTING, DEFAULT);
    ReportingRuleService.Patch patch = new ReportingRuleService.Patch(
        Check.text(NAME, body.getValue(NAME), Check.Text.optional(MAX_NAME).asChosenName()),
        whole(body, NOT_REPORTING, MIN_NOT_REPORTING, MAX_NOT_REPORTING, false),
        body.containsKey(AUTO_DELETE),
        whole(body, AUTO_DELETE, MIN_AUTO_DELETE, MAX_AUTO_DELETE, false),
        flag(body, DEFAULT));
    respond(ctx, 200, service.update(Authenticator.principal(ctx), ctx.pathParam("id"), patch, RequestOrigin.of(ctx)));
  }

  /** A whole number of seconds in [min, max]; null when absent or null and not required. */
  private static Integer whole(JsonObject body, String field, long min, long max, boolean required) {
    Object value = body.getValue(field);
    if (value == null) {
      if (required) {
        throw new Invalid(field, field + " is required");
      }
      return null;
    }
    String range = field + " must be a whole number of seconds from " + min + " to " + max;
    if (!(value instanceof Integer || value instanceof Long || value instanceof BigInteger)) {
      throw new Invalid(field, range);
    }
    BigInteger seconds = value instanceof BigInteger big ? big : BigInteger.valueOf(((Number) value).longValue());
    if (seconds.compareTo(BigInteger.valueOf(min)) < 0 || seconds.compareTo(BigInteger.valueOf(max)) > 0) {
      throw new Invalid(field, range);
    }
    return seconds.intValueExact();
  }

  /** A boolean field; null when absent. */
  private static Boolean flag(JsonObject body, String field) {
    Object value = body.getValue(field);
    if (value != null && !(value instanceof Boolean)) {
      throw new Invalid(field, field + " must be true or false");
    }
    return (Boolean) value;
  }

  private static void respond(RoutingContext ctx, int status, Future<ReportingRule> rule) {
    rule.onSuccess(r -> Responses.json(ctx, status, r.toJson())).onFailure(ctx::fail);
  }
}
