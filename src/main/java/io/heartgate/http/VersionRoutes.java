package io.heartgate.http;

import io.heartgate.core.BuildInfo;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;

/** {@code GET /api/version}, public: the version and build time of the jar this node runs. */
public final class VersionRoutes implements Routes {
  private final JsonObject body;

  public VersionRoutes(BuildInfo build) {
    this.body = new JsonObject().put("version", build.version()).put("buildTime", build.buildTime());
  }

  @Override
  public void mount(Router router) {
    router.get("/api/version").handler(ctx -> Responses.json(ctx, 200, body));
  }
}
