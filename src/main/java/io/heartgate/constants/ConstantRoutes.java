package io.heartgate.constants;

import io.heartgate.core.Check;
import io.heartgate.core.Cursor;
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
import java.util.regex.Pattern;

/**
 * HTTP ↔ JSON for {@code /api/constants}, in the {@code configs} authentication group: constants are part of
 * config management (the served TOML is filled with them), and the contract names no group of their own.
 */
public final class ConstantRoutes implements Routes {
  private static final Cursor.ByName BY_NAME = new Cursor.ByName("constants");
  static final int MAX_NAME = 128;
  static final int MAX_VALUE = 65_536;
  static final int MAX_DESCRIPTION = 4096;
  private static final Pattern NAME_SHAPE = Pattern.compile(Constant.NAME_PATTERN);

  private static final String NAME = "name";
  private static final String VALUE = "value";
  private static final String DESCRIPTION = "description";

  private final ConstantService service;
  private final Authenticator auth;
  /** The node's listings, built a few at a time (see {@link InFlightLimit}). */
  private final InFlightLimit listings;

  public ConstantRoutes(ConstantService service, Authenticator auth, InFlightLimit listings) {
    this.service = service;
    this.auth = auth;
    this.listings = listings;
  }

  @Override
  public void mount(Router router) {
    AuthGroup group = AuthGroup.CONFIGS;
    router.get("/api/constants").handler(auth.require(group, "constants:read")).handler(this::list);
    router.post("/api/constants").handler(auth.require(group, "constants:write")).handler(this::create);
    router.get("/api/constants/:id").handler(auth.require(group, "constants:read")).handler(ctx ->
        respond(ctx, 200, service.get(ctx.pathParam("id"))));
    router.patch("/api/constants/:id").handler(auth.require(group, "constants:write")).handler(this::update);
    router.delete("/api/constants/:id").handler(auth.require(group, "constants:delete")).handler(ctx ->
        service.delete(Authenticator.principal(ctx), ctx.pathParam("id"), RequestOrigin.of(ctx))
            .onSuccess(ignored -> Responses.noContent(ctx))
            .onFailure(ctx::fail));
  }

  private void list(RoutingContext ctx) {
    StreamedListing.<IdSnapshot, String>answer(ctx, listings, "constants",
        at -> service.page(at).map(page -> page.map(Constant::toJson)),
        new StreamedListing.ByCursor<>(ConstantService.LISTING_PAGE, (after, count) -> service.after(after, count)
            .map(page -> page.map(Constant::toJson)), BY_NAME::name, BY_NAME::after));
  }

  private void create(RoutingContext ctx) {
    JsonObject body = RequestBody.object(ctx);
    ConstantService.NewConstant constant = new ConstantService.NewConstant(
        name(Check.text(NAME, body.getValue(NAME), Check.Text.required(MAX_NAME))),
        value(Check.text(VALUE, body.getValue(VALUE), Check.Text.required(MAX_VALUE).orBlank())),
        Check.text(DESCRIPTION, body.getValue(DESCRIPTION), Check.Text.optional(MAX_DESCRIPTION).orBlank()));
    respond(ctx, 201, service.create(Authenticator.principal(ctx), constant, RequestOrigin.of(ctx)));
  }

  private void update(RoutingContext ctx) {
    JsonObject body = RequestBody.object(ctx);
    RequestBody.refuseNulls(body, NAME, VALUE, DESCRIPTION);
    ConstantRepository.Changes changes = new ConstantRepository.Changes(
        name(Check.text(NAME, body.getValue(NAME), Check.Text.optional(MAX_NAME))),
        value(Check.text(VALUE, body.getValue(VALUE), Check.Text.optional(MAX_VALUE).orBlank())),
        Check.text(DESCRIPTION, body.getValue(DESCRIPTION), Check.Text.optional(MAX_DESCRIPTION).orBlank()));
    if (changes.name() == null && changes.value() == null && changes.description() == null) {
      throw new Invalid(NAME, "nothing to change: give name, value or description");
    }
    respond(ctx, 200, service.update(Authenticator.principal(ctx), ctx.pathParam("id"), changes,
        RequestOrigin.of(ctx)));
  }

  /** The name's shape ({@link Constant#NAME_PATTERN}); null when absent. */
  private static String name(String name) {
    if (name != null && !NAME_SHAPE.matcher(name).matches()) {
      throw new Invalid(NAME, "name must start with a letter or _ and hold only letters, digits and _");
    }
    return name;
  }

  /**
   * No {@code "} and no line break: a value is TOML text inserted as written, and these are what would let it
   * leave a string or start a new key. Null when absent.
   */
  private static String value(String value) {
    if (value != null && (value.indexOf('"') >= 0 || value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0)) {
      throw new Invalid(VALUE, "value must not contain \" or a line break");
    }
    return value;
  }

  private static void respond(RoutingContext ctx, int status, Future<Constant> constant) {
    constant.onSuccess(c -> Responses.json(ctx, status, c.toJson())).onFailure(ctx::fail);
  }
}
