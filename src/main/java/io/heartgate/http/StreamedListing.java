package io.heartgate.http;

import io.heartgate.core.Page;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Writes a listing, {@code {"<field>":[…]}}, or one page of it that a client asked for, a chunk at a time, so that
 * the node holds one chunk of it (and, for a whole listing over an {@link io.heartgate.core.IdSnapshot}, its ids)
 * whatever its length: read whole, a listing held every row, its JSON and the encoded answer at once, and one read of
 * 1,100 configs with 100 labels each ran a node of 256 MiB out of memory. The next chunk is read once the last one
 * has been written to the connection, so a client that reads slowly holds a chunk, not the listing.
 *
 * <p>Chunks follow each other as {@link Page} says. A listing is not one snapshot of the store: a whole listing over
 * ids lists each item that existed when it began once, and none created since; one along keys (tokens, versions, a
 * page asked for) may or may not list what is created while it is written, and an item renamed meanwhile may be in
 * it twice or not at all.
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
   * How a listing is read a page at a time when a request asks for one page: its pages by a key that a client can
   * hold as a cursor.
   *
   * @param chunk how many items are read from the store at a time
   * @param pages at most the given number of items after a key (null: from the first); its next key only when there
   *     are more
   * @param decode the key a {@code cursor} stands for (a 400 naming {@code cursor} for any other text)
   * @param encode the {@code nextCursor} of a key
   */
  public record ByCursor<C>(int chunk, BiFunction<C, Integer, Future<Page<JsonObject, C>>> pages,
      Function<String, C> decode, Function<C, String> encode) {
  }

  /**
   * Writes the listing the request asks for (200), in one of the {@code places}, kept until it has been written or
   * could not be. Without {@code ?limit=} and {@code ?cursor=}, the whole listing, {@code {"<field>":[…]}}, read from
   * {@code whole} a page after the other. With either, the page a {@link PageRequest} says,
   * {@code {"<field>":[…],"nextCursor":…}}, read and written a chunk at a time, so that a page of a thousand large
   * items is held a chunk at a time too; {@code nextCursor} is null when the listing ends with the page.
   *
   * @param whole the page after a key; after null, the first
   */
  public static <K, C> void answer(RoutingContext ctx, InFlightLimit places, String field,
      Function<K, Future<Page<JsonObject, K>>> whole, ByCursor<C> paged) {
    if (!PageRequest.asked(ctx)) {
      stream(ctx, places, field, null, whole, next -> next == null, next -> "]}");
      return;
    }
    PageRequest asked = PageRequest.of(ctx);
    Function<Left<C>, Future<Page<JsonObject, Left<C>>>> chunks = left -> paged.pages()
        .apply(left.after(), Math.min(paged.chunk(), left.items()))
        .map(page -> new Page<>(page.items(), page.next() == null ? null
            : new Left<>(page.next(), left.items() - page.items().size())));
    stream(ctx, places, field, new Left<>(asked.after(paged.decode()), asked.limit()), chunks,
        next -> next == null || next.items() <= 0,
        next -> "],\"nextCursor\":" + (next == null ? "null" : Json.encode(paged.encode().apply(next.after()))) + "}");
  }

  /** Where a page stands: the key its next item comes after, and how many items it still lists. */
  private record Left<K>(K after, int items) {
  }

  /**
   * @param first the key of the first page
   * @param ends whether the listing ends before the page of this key
   * @param closing what ends the answer, after the items, given the key of the page that would have come next
   */
  private static <K> void stream(RoutingContext ctx, InFlightLimit places, String field, K first,
      Function<K, Future<Page<JsonObject, K>>> pages, Predicate<K> ends, Function<K, String> closing) {
    places.run(ctx, () -> (ctx.response().closed() ? Future.<Page<JsonObject, K>>failedFuture(new ClientGone(null))
        : pages.apply(first)).compose(page -> {
      if (Responses.answered(ctx)) {
        return Future.<Void>succeededFuture();
      }
      HttpServerResponse response = Responses.jsonHead(ctx.response(), 200).setChunked(true);
      return write(response, Buffer.buffer("{\"" + field + "\":["), page, false, new Writing<>(pages, ends, closing));
    })).onFailure(failure -> {
      if (Responses.answered(ctx)) {
        return;  // 503 at its deadline: nothing more to say, and nothing to reset
      }
      if (!ctx.response().headWritten()) {
        ctx.fail(failure);
      } else if (!(failure instanceof ClientGone)) {
        LOG.log(Level.WARNING, "A listing of " + field + " failed after its first page; its connection is reset",
            failure);
        ctx.response().reset();
      }
    });
  }

  private record Writing<K>(Function<K, Future<Page<JsonObject, K>>> pages, Predicate<K> ends,
      Function<K, String> closing) {
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
      boolean listedBefore, Writing<K> writing) {
    boolean separate = listedBefore;
    for (JsonObject item : page.items()) {
      if (separate) {
        chunk.appendByte((byte) ',');
      }
      chunk.appendBuffer(item.toBuffer());
      separate = true;
    }
    if (writing.ends().test(page.next())) {
      return written(response.end(chunk.appendString(writing.closing().apply(page.next()))));
    }
    boolean listed = separate;
    // Every item of a page may have been deleted since the listing began: nothing to write then.
    return (chunk.length() == 0 ? Future.<Void>succeededFuture() : written(response.write(chunk)))
        .compose(done -> writing.pages().apply(page.next()))
        .compose(next -> write(response, Buffer.buffer(), next, listed, writing));
  }
}
