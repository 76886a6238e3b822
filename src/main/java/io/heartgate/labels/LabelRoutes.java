package io.heartgate.labels;

import io.heartgate.core.Check;
import io.heartgate.core.Cursor;
import io.heartgate.core.IdSnapshot;
import io.heartgate.core.Invalid;
import io.heartgate.core.NotFound;
import io.heartgate.http.Authenticator;
import io.heartgate.http.InFlightLimit;
import io.heartgate.http.RequestBody;
import io.heartgate.http.RequestOrigin;
import io.heartgate.http.Responses;
import io.heartgate.http.Routes;
import io.heartgate.http.StreamedListing;
import io.heartgate.settings.AuthGroup;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.regex.Pattern;

/** HTTP ↔ JSON for {@code /api/labels}, in the {@code labels} authentication group. */
public final class LabelRoutes implements Routes {
  private static final Cursor.ByName BY_NAME = new Cursor.ByName("labels");
  static final int MAX_NAME = 100;
  static final int MAX_DESCRIPTION = 1000;
  /** The most ids (and label ids) one bulk request may name. */
  static final int MAX_BULK = 1000;
  /** The most assignments (ids × label ids) one bulk request may make or undo: it answers within seconds. */
  static final int MAX_ASSIGNMENTS = 10_000;
  private static final int MAX_ID = 1024;
  private static final Pattern COLOR = Pattern.compile("#[0-9a-fA-F]{6}");

  private static final String NAME = "name";
  private static final String DESCRIPTION = "description";
  private static final String COLOR_FIELD = "color";

  private final LabelService service;
  private final Authenticator auth;
  /** The node's listings, built a few at a time (see {@link InFlightLimit}). */
  private final InFlightLimit listings;

  public LabelRoutes(LabelService service, Authenticator auth, InFlightLimit listings) {
    this.service = service;
    this.auth = auth;
    this.listings = listings;
  }

  @Override
  public void mount(Router router) {
    AuthGroup group = AuthGroup.LABELS;
    router.get("/api/labels").handler(auth.require(group, "labels:read")).handler(this::list);
    router.post("/api/labels").handler(auth.require(group, "labels:write")).handler(this::create);
    router.delete("/api/labels").handler(auth.require(group, "labels:delete")).handler(ctx -> {
      JsonObject body = RequestBody.object(ctx);
      bulk(ctx, ids(body, "ids"), id -> service.delete(Authenticator.principal(ctx), id, RequestOrigin.of(ctx)));
    });
    router.get("/api/labels/:id").handler(auth.require(group, "labels:read")).handler(ctx ->
        respond(ctx, 200, service.get(ctx.pathParam("id"))));
    router.patch("/api/labels/:id").handler(auth.require(group, "labels:write")).handler(this::update);
    router.delete("/api/labels/:id").handler(auth.require(group, "labels:delete")).handler(ctx ->
        service.delete(Authenticator.principal(ctx), ctx.pathParam("id"), RequestOrigin.of(ctx))
            .onSuccess(ignored -> Responses.noContent(ctx))
            .onFailure(ctx::fail));
  }

  private void list(RoutingContext ctx) {
    StreamedListing.<IdSnapshot, String>answer(ctx, listings, "labels",
        at -> service.page(at).map(page -> page.map(Label::toJson)),
        new StreamedListing.ByCursor<>(LabelService.LISTING_PAGE, (after, count) -> service.after(after, count)
            .map(page -> page.map(Label::toJson)), BY_NAME::name, BY_NAME::after));
  }

  private void create(RoutingContext ctx) {
    JsonObject body = RequestBody.object(ctx);
    LabelService.NewLabel label = new LabelService.NewLabel(
        Check.text(NAME, body.getValue(NAME), Check.Text.required(MAX_NAME).asChosenName()),
        Check.text(DESCRIPTION, body.getValue(DESCRIPTION), Check.Text.optional(MAX_DESCRIPTION).orBlank()),
        color(body.getValue(COLOR_FIELD)));
    respond(ctx, 201, service.create(Authenticator.principal(ctx), label, RequestOrigin.of(ctx)));
  }

  private void update(RoutingContext ctx) {
    JsonObject body = RequestBody.object(ctx);
    RequestBody.refuseNulls(body, NAME, DESCRIPTION, COLOR_FIELD);
    LabelRepository.Changes changes = new LabelRepository.Changes(
        Check.text(NAME, body.getValue(NAME), Check.Text.optional(MAX_NAME).asChosenName()),
        Check.text(DESCRIPTION, body.getValue(DESCRIPTION), Check.Text.optional(MAX_DESCRIPTION).orBlank()),
        color(body.getValue(COLOR_FIELD)));
    if (changes.name() == null && changes.description() == null && changes.color() == null) {
      throw new Invalid(NAME, "nothing to change: give name, description or color");
    }
    respond(ctx, 200, service.update(Authenticator.principal(ctx), ctx.pathParam("id"), changes,
        RequestOrigin.of(ctx)));
  }

  /** {@code #rrggbb}, stored in lower case; null when absent. */
  private static String color(Object value) {
    String color = Check.text(COLOR_FIELD, value, Check.Text.optional(7));
    if (color != null && !COLOR.matcher(color).matches()) {
      throw new Invalid(COLOR_FIELD, "color must be #rrggbb (six hexadecimal digits)");
    }
    return color == null ? null : color.toLowerCase(java.util.Locale.ROOT);
  }

  /**
   * A required array of 1 to {@link #MAX_BULK} non-empty ids, each at most {@link #MAX_ID} characters (agent ids
   * may be 256).
   */
  public static List<String> ids(JsonObject body, String field) {
    List<String> ids = RequestBody.strings(body, field, true);
    if (ids.isEmpty() || ids.size() > MAX_BULK) {
      throw new Invalid(field, field + " must hold 1 to " + MAX_BULK + " ids");
    }
    if (ids.stream().anyMatch(id -> id.isEmpty() || id.codePointCount(0, id.length()) > MAX_ID)) {
      throw new Invalid(field, field + " must hold ids of 1 to " + MAX_ID + " characters");
    }
    return ids;
  }

  /**
   * {@code PUT /api/<resource>/bulk/labels/assign {"ids","labelIds"}}: as {@link #bulkRemoval}, and no object may
   * be left with more labels than it may carry (else 409, nothing changed).
   */
  public static void bulkAssignment(RoutingContext ctx, LabelService labels, LabelTarget target,
      BiFunction<String, List<String>, Future<Void>> assign) {
    bulkChange(ctx, labels, (ids, labelIds) -> labels.requireRoom(target, ids, labelIds), assign);
  }

  /**
   * {@code PUT /api/<resource>/bulk/labels/remove {"ids","labelIds"}}: at most {@link #MAX_ASSIGNMENTS} of them
   * (400), every label must exist (else 404), nothing changed; then the action runs for each id in turn with the
   * label ids; each id gets ok or not_found.
   */
  public static void bulkRemoval(RoutingContext ctx, LabelService labels,
      BiFunction<String, List<String>, Future<Void>> remove) {
    bulkChange(ctx, labels, (ids, labelIds) -> Future.succeededFuture(), remove);
  }

  private static void bulkChange(RoutingContext ctx, LabelService labels,
      BiFunction<List<String>, List<String>, Future<Void>> check,
      BiFunction<String, List<String>, Future<Void>> action) {
    JsonObject body = RequestBody.object(ctx);
    List<String> ids = ids(body, "ids");
    List<String> labelIds = ids(body, "labelIds").stream().distinct().toList();
    if ((long) ids.size() * labelIds.size() > MAX_ASSIGNMENTS) {
      throw new Invalid("labelIds", "labelIds × ids may make at most " + MAX_ASSIGNMENTS
          + " assignments in one request");
    }
    labels.requireAll(labelIds)
        .compose(ignored -> check.apply(ids, labelIds))
        .onSuccess(ignored -> bulk(ctx, ids, id -> action.apply(id, labelIds)))
        .onFailure(ctx::fail);
  }

  /** Runs the action for each id in turn; each gets ok or not_found. */
  static void bulk(RoutingContext ctx, List<String> ids, Function<String, Future<Void>> action) {
    List<JsonObject> results = new ArrayList<>();
    Future<Void> chain = Future.succeededFuture();
    for (String id : ids) {
      chain = chain.compose(ignored -> action.apply(id)
          .map("ok")
          .recover(e -> e instanceof NotFound ? Future.succeededFuture("not_found") : Future.failedFuture(e))
          .map(status -> {
            results.add(new JsonObject().put("id", id).put("status", status));
            return null;
          }));
    }
    chain.onSuccess(ignored -> Responses.json(ctx, 200, new JsonObject().put("results", new JsonArray(results))))
        .onFailure(ctx::fail);
  }

  private static void respond(RoutingContext ctx, int status, Future<Label> label) {
    label.onSuccess(l -> Responses.json(ctx, status, l.toJson())).onFailure(ctx::fail);
  }
}
