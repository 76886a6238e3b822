package io.heartgate.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * Reads a listing a page at a time, as the console and scripts do ({@code ?limit=&cursor=} along each page's
 * {@code nextCursor}), checking what every page promises; and refuses what is not a cursor.
 */
public final class ListingPages {
  private ListingPages() {
  }

  /** Every item of the listing at {@code path} (which may hold a query), read {@code limit} at a time. */
  public static JsonArray read(TestGateway gateway, String path, String field, Credentials as, int limit) {
    JsonArray items = new JsonArray();
    String cursor = "";
    do {
      Reply page = gateway.get(path + (path.contains("?") ? "&" : "?") + "limit=" + limit + "&cursor=" + cursor, as);
      assertEquals(200, page.status(), page.toString());
      JsonArray listed = page.json().getJsonArray(field);
      assertEquals(List.of(field, "nextCursor"), List.copyOf(page.json().fieldNames()), page.toString());
      assertTrue(listed.size() <= limit, "at most the limit: " + listed.size());
      cursor = page.json().getString("nextCursor");
      assertTrue(cursor == null || listed.size() == limit, "only a full page is followed by another");
      assertTrue(cursor != null || !listed.isEmpty() || items.isEmpty(), "no empty page after the last one");
      listed.forEach(items::add);
    } while (cursor != null);
    return items;
  }

  /** A listing's refusals: a limit out of range, and texts that are no cursor of it (each a 400 naming its field). */
  public static void refusesWhatIsNoPage(TestGateway gateway, String path, Credentials as) {
    for (String bad : List.of("limit=0", "limit=1001", "limit=x", "limit=-1", "limit=%EF%BC%95", "limit=%D9%A3",
        "limit=+5", "limit=1e3", "limit=99999999999999999999", "limit=5&limit=6", "cursor=x", "cursor=MTIz",
        "cursor=" + of("{\"n\":\"a\"}") + "&cursor=" + of("{\"n\":\"b\"}"), "cursor=" + of("{/*c*/\"n\":\"a\"}"),
        "cursor=" + of("{\"n\":\"a\",\"x\":1}") + "&limit=3", "cursor=" + of("{\"n\":\"a\",\"n\":\"b\"}"),
        "cursor=" + of("{\"c\":1,\"n\":\"a\",\"x\":1}"), "cursor=" + of("{\"v\":5,\"x\":1}"),
        "cursor=" + of("{\"v\":5,\"v\":6}"), "cursor=" + of("{\"d\":false,\"n\":\"a\",\"x\":1}"),
        "cursor=" + of("{\"n\":\"a\"}") + "%3D%3D", "cursor=" + of("{\"l\":\"elsewhere\",\"n\":\"a\"}"),
        "limit=5&cursor=" + "A".repeat(2000), "cursor=" + of("{\"n\":\"\\u0000\"}"),
        "cursor=" + of("{\"n\":\"\\ud800\"}"),
        "cursor=" + of("{\"n\":7,\"v\":\"7\",\"c\":\"1\",\"d\":\"true\"}"), "cursor=" + of("{\"v\":-3}"),
        "cursor=" + of("{\"v\":1e30}"), "cursor=" + of("[1,\"a\"]"))) {
      Reply refused = gateway.get(path + (path.contains("?") ? "&" : "?") + bad, as);
      assertEquals(400, refused.status(), bad + ": " + refused);
      assertEquals(bad.contains("cursor") ? "cursor" : "limit",
          refused.json().getJsonObject("details").getString("field"), bad);
    }
  }

  /** A cursor holding this JSON. */
  public static String of(String json) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }

  /** The ids of these items, in order. */
  public static List<String> ids(JsonArray items) {
    return items.stream().map(item -> ((JsonObject) item).getString("id")).toList();
  }
}
