package io.heartgate.http;

import io.heartgate.core.Invalid;
import io.heartgate.core.UnsupportedMediaType;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;

/** Reads a JSON request body and its fields; every problem becomes a 400 (or 415) naming the field. */
public final class RequestBody {
  private RequestBody() {
  }

  /** The body as a JSON object: 415 when it is not declared JSON, 400 when it is empty or malformed. */
  public static JsonObject object(RoutingContext ctx) {
    requireJson(ctx);
    if (ctx.body() == null || ctx.body().buffer() == null || ctx.body().length() <= 0) {
      throw Invalid.request("The request body is empty; expected a JSON object");
    }
    Object parsed;
    try {
      parsed = ctx.body().buffer().toJsonValue();
    } catch (DecodeException e) {
      throw Invalid.request("The request body is not valid JSON");
    }
    if (!(parsed instanceof JsonObject object)) {
      throw Invalid.request("The request body must be a JSON object");
    }
    return object;
  }

  /** 415 unless the request declares a JSON body. */
  public static void requireJson(RoutingContext ctx) {
    String contentType = ctx.request().getHeader("Content-Type");
    if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("application/json")) {
      throw new UnsupportedMediaType("The request body must be JSON (Content-Type: application/json)");
    }
  }

  /** A string field of 1..max characters; null when absent and not required. */
  public static String string(JsonObject body, String field, boolean required, int maxLength) {
    Object value = body.getValue(field);
    if (value == null) {
      if (required) {
        throw new Invalid(field, field + " is required");
      }
      return null;
    }
    if (!(value instanceof String text)) {
      throw new Invalid(field, field + " must be a string");
    }
    if (text.isBlank()) {
      throw new Invalid(field, field + " must not be empty");
    }
    if (text.length() > maxLength) {
      throw new Invalid(field, field + " must be at most " + maxLength + " characters");
    }
    return text;
  }

  /** An array of strings; null when absent. */
  public static java.util.List<String> strings(JsonObject body, String field, boolean required) {
    Object value = body.getValue(field);
    if (value == null) {
      if (required) {
        throw new Invalid(field, field + " is required");
      }
      return null;
    }
    if (!(value instanceof JsonArray array)) {
      throw new Invalid(field, field + " must be an array of strings");
    }
    java.util.List<String> items = new java.util.ArrayList<>();
    for (Object item : array) {
      if (!(item instanceof String text)) {
        throw new Invalid(field, field + " must be an array of strings");
      }
      items.add(text);
    }
    return items;
  }
}
