package io.heartgate.http;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.MimeMapping;
import io.vertx.ext.web.RoutingContext;

/**
 * Placed before a {@code StaticHandler}: its answer to HEAD gets the Content-Type its answer to GET has, which Vert.x
 * Web 5.0.10's handler ends the answer to HEAD before setting. The type is the file's, as the handler names it
 * (a directory's is its index page's, a text type's charset UTF-8).
 */
final class StaticHead implements Handler<RoutingContext> {
  static final StaticHead INSTANCE = new StaticHead();
  private static final String INDEX_PAGE = "index.html";

  private StaticHead() {
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (ctx.request().method() == HttpMethod.HEAD) {
      ctx.addHeadersEndHandler(ignored -> {
        HttpServerResponse response = ctx.response();
        String path = ctx.normalizedPath();
        String type = MimeMapping.mimeTypeForFilename(path.endsWith("/") ? path + INDEX_PAGE : path);
        if (response.getStatusCode() == 200 && type != null
            && !response.headers().contains(HttpHeaders.CONTENT_TYPE)) {
          response.putHeader(HttpHeaders.CONTENT_TYPE, type.startsWith("text") ? type + ";charset=UTF-8" : type);
        }
      });
    }
    ctx.next();
  }
}
