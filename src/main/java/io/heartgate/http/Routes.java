package io.heartgate.http;

import io.vertx.ext.web.Router;

/** A feature's HTTP routes; shared by every router instance, so its handlers keep no per-loop state. */
@FunctionalInterface
public interface Routes {
  void mount(Router router);
}
