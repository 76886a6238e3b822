package io.heartgate.configs;

import io.heartgate.metrics.ConfigDownloadMeters;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The one writer of a TOML document for agents, whatever it is made of (a config, a config group): GET and HEAD
 * alike, the same status and headers, HEAD without the body, and every download counted by its result. Always
 * 200 with a fresh body: Telegraf sends no conditional requests and treats anything but 200 as a failure.
 */
public final class TomlDownload {
  private static final String TOML_CONTENT_TYPE = "application/toml; charset=utf-8";

  private final ConfigDownloadMeters downloads;

  /** @param downloads counts the TOML downloads by result */
  public TomlDownload(ConfigDownloadMeters downloads) {
    this.downloads = downloads;
  }

  /**
   * Serves {@code GET} on the path (and {@code HEAD}, which Telegraf's URL watcher sends, as the router adds it to
   * every GET route): the guard first, then the document {@code source} makes from the request and the parameters
   * of its query string (all values of a name joined with ", "; null when none).
   */
  public void mount(Router router, String path, Handler<RoutingContext> guard,
      BiFunction<RoutingContext, Function<String, String>, Future<ConfigService.Rendered>> source) {
    router.get(path).handler(guard).handler(ctx -> serve(ctx, source)).failureHandler(this::countRefused);
  }

  private void serve(RoutingContext ctx,
      BiFunction<RoutingContext, Function<String, String>, Future<ConfigService.Rendered>> source) {
    DownloadQuery query = DownloadQuery.parse(ctx.request().query());
    source.apply(ctx, query::joined)
        .onSuccess(rendered -> {
          if (ctx.response().headWritten()) {
            return;  // answered 503 at its deadline (a download has no body whose room to give back)
          }
          Buffer body = Buffer.buffer(rendered.toml(), StandardCharsets.UTF_8.name());
          ctx.response().setStatusCode(200)
              .putHeader(HttpHeaders.CONTENT_TYPE, TOML_CONTENT_TYPE)
              .putHeader(HttpHeaders.LAST_MODIFIED, LastModified.format(rendered.lastModified()));
          downloads.downloaded(ConfigDownloadMeters.Result.OK);
          // Its length said outright, for HEAD too (Vert.x sends that answer without the body, and without the length).
          ctx.response().putHeader(HttpHeaders.CONTENT_LENGTH, String.valueOf(body.length())).end(body);
        })
        .onFailure(ctx::fail);
  }

  /**
   * Counts the download by the status the router's one error mapping gives it, as the answer's headers go out: the
   * count is there before the client has a byte of its answer.
   */
  private void countRefused(RoutingContext ctx) {
    if (!ctx.response().closed()) {
      ctx.addHeadersEndHandler(ignored ->
          downloads.downloaded(ConfigDownloadMeters.ofStatus(ctx.response().getStatusCode())));
    }
    ctx.next();
  }
}
