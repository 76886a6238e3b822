package io.heartgate.http;

import io.heartgate.core.Page;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Writes a listing, {@code {"<field>":[…]}}, a page at a time, so that the node holds one page of it (and, for a
 * listing over an {@link io.heartgate.core.IdSnapshot}, its ids) whatever its length: read whole, a listing held
 * every row, its JSON and the encoded answer at once, and one read of 1,100 configs with 100 labels each ran a node
 * of 256 MiB out of memory. The next page is read once the last one has been written to the connection, so a client
 * that reads slowly holds a page, not the listing.
 *
 * <p>Pages follow each other as {@link Page} says. The listing is not one snapshot of the store: what is created
 * while it is written is not in it, or may be (tokens), each item is in it once.
 *
 * <p>The first page is read before anything is written, so its failure is the request's (a 404, a 503). A failure
 * of the store after that cannot change the status any more: it is logged and the connection reset, so that the
 * client sees a broken answer rather than a short one. A client that leaves is not logged.
 */
public final class StreamedListing {
  private static final Logger LOG = Logger.getLogger(StreamedListing.class.getName());

  private StreamedListing() {
  }

  /**
   * Writes the listing (200) in one place of {@code limit}, kept until the listing has been written or could not be.
   *
   * @param pages the page after a key; after null, the first
   */
  public static <K> void answer(RoutingContext ctx, InFlightLimit limit, String field,
      Function<K, Future<Page<JsonObject, K>>> pages) {
    limit.run(ctx, () -> (ctx.response().closed() ? Future.<Page<JsonObject, K>>failedFuture(new ClientGone(null))
        : pages.apply(null)).compose(first -> {
      HttpServerResponse response = Responses.jsonHead(ctx.response(), 200).setChunked(true);
      return write(response, Buffer.buffer("{\"" + field + "\":["), first, false, pages);
    })).onFailure(failure -> {
      if (!ctx.response().headWritten()) {
        ctx.fail(failure);
      } else if (!(failure instanceof ClientGone)) {
        LOG.log(Level.WARNING, "A listing of " + field + " failed after its first page; its connection is reset",
            failure);
        ctx.response().reset();
      }
    });
  }

  /**
   * A write the connection did not take: its client has gone (or reset it) meanwhile, which is nobody's fault and
   * not logged (a probe: 126 warnings with the stack of "Connection reset by peer" in ten minutes, from one client).
   */
  private static final class ClientGone extends RuntimeException {
    ClientGone(Throwable cause) {
      super(cause == null ? "the client has gone" : cause.getMessage(), cause, false, false);
    }
  }

  private static Future<Void> written(Future<Void> write) {
    return write.recover(failure -> Future.failedFuture(new ClientGone(failure)));
  }

  /** @param listedBefore whether items were written before this page's: its first follows a comma */
  private static <K> Future<Void> write(HttpServerResponse response, Buffer chunk, Page<JsonObject, K> page,
      boolean listedBefore, Function<K, Future<Page<JsonObject, K>>> pages) {
    boolean separate = listedBefore;
    for (JsonObject item : page.items()) {
      if (separate) {
        chunk.appendByte((byte) ',');
      }
      chunk.appendBuffer(item.toBuffer());
      separate = true;
    }
    if (page.next() == null) {
      return written(response.end(chunk.appendString("]}")));
    }
    boolean listed = separate;
    // Every item of a page may have been deleted since the listing began: nothing to write then.
    return (chunk.length() == 0 ? Future.<Void>succeededFuture() : written(response.write(chunk)))
        .compose(written -> pages.apply(page.next()))
        .compose(next -> write(response, Buffer.buffer(), next, listed, pages));
  }
}
