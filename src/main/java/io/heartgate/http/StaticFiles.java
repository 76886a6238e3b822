package io.heartgate.http;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.MimeMapping;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;

/** Files served from the jar: the console's, its stylesheet's WebJar, the API reference page's. */
final class StaticFiles {
  private static final String ENCODING = "UTF-8";
  private static final String INDEX_PAGE = "index.html";

  /**
   * Placed before {@link #from}'s handler: its answer to HEAD gets the Content-Type its answer to GET has, which
   * Vert.x Web 5.0.10's handler ends the answer to HEAD before setting. The type is the file's, as the handler names
   * it (a directory's is its index page's).
   */
  static final Handler<RoutingContext> HEAD_TYPE = StaticFiles::headType;

  private StaticFiles() {
  }

  /** The files under that root of the class path; text files say they are UTF-8. */
  static StaticHandler from(String root) {
    return StaticHandler.create(root).setDefaultContentEncoding(ENCODING).setIndexPage(INDEX_PAGE);
  }

  private static void headType(RoutingContext ctx) {
    if (ctx.request().method() == HttpMethod.HEAD) {
      ctx.addHeadersEndHandler(ignored -> {
        HttpServerResponse response = ctx.response();
        String path = ctx.normalizedPath();
        String type = MimeMapping.mimeTypeForFilename(path.endsWith("/") ? path + INDEX_PAGE : path);
        if (response.getStatusCode() == 200 && type != null
            && !response.headers().contains(HttpHeaders.CONTENT_TYPE)) {
          response.putHeader(HttpHeaders.CONTENT_TYPE, type.startsWith("text") ? type + ";charset=" + ENCODING : type);
        }
      });
    }
    ctx.next();
  }
}
