package io.heartgate.http;

import io.heartgate.settings.Settings;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;

/** {@code GET /api/settings}: the effective start-up settings, secrets masked. */
public final class SettingsRoutes implements Routes {
  private final Settings settings;
  private final Authenticator auth;

  public SettingsRoutes(Settings settings, Authenticator auth) {
    this.settings = settings;
    this.auth = auth;
  }

  @Override
  public void mount(Router router) {
    router.get("/api/settings").handler(auth.require("settings:read"))
        .handler(ctx -> Responses.json(ctx, 200, new JsonObject(settings.masked())));
  }
}
