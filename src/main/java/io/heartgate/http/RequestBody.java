package io.heartgate.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.heartgate.core.Check;
import io.heartgate.core.Invalid;
import io.heartgate.core.StrictUtf8;
import io.heartgate.core.UnsupportedMediaType;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads a JSON request body, strictly (a repeated key, a comment or anything after the object is a 400), and its
 * fields through {@link Check}; every problem becomes a 400 (or 415) naming the field.
 */
public final class RequestBody {
  /** Thread-safe once built. Jackson refuses comments unless told otherwise; duplicates and trailing data too. */
  private static final ObjectMapper STRICT = JsonMapper.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .build();

  private RequestBody() {
  }

  /** The body as a JSON object: 415 when it is not declared JSON, 400 when it is empty or malformed. */
  public static JsonObject object(RoutingContext ctx) {
    requireJson(ctx);
    if (ctx.body() == null || ctx.body().buffer() == null || ctx.body().length() <= 0) {
      throw Invalid.request("The request body is empty; expected a JSON object");
    }
    byte[] bytes = ctx.body().buffer().getBytes();
    if (!StrictUtf8.valid(bytes)) {
      throw Invalid.request("The request body is not valid UTF-8 JSON");
    }
    Object parsed;
    try (JsonParser parser = STRICT.createParser(bytes)) {
      parsed = STRICT.readValue(parser, Object.class);
    } catch (JsonProcessingException e) {
      throw Invalid.request(e.getOriginalMessage().startsWith("Duplicate field")
          ? "The request body repeats a field: " + e.getOriginalMessage()
          : "The request body is not valid JSON");
    } catch (IOException e) {
      throw Invalid.request("The request body is not valid JSON");
    }
    if (!(parsed instanceof Map<?, ?> map)) {
      throw Invalid.request("The request body must be a JSON object");
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> fields = (Map<String, Object>) map;
    return new JsonObject(fields);
  }

  /**
   * 415 unless the request declares a JSON body ({@code application/json}, a charset parameter allowed), sent as it
   * is: no content coding other than {@code identity} (RFC 9110, 15.5.16); the gateway decompresses nothing.
   */
  public static void requireJson(RoutingContext ctx) {
    // Every value of every Content-Encoding header (a list, and a header may be repeated); none on most requests.
    MultiMap headers = ctx.request().headers();
    for (String codings : headers.contains(HttpHeaders.CONTENT_ENCODING) ? headers.getAll(HttpHeaders.CONTENT_ENCODING)
        : List.<String>of()) {
      for (String coding : codings.split(",")) {
        // An empty element of the list names no coding (RFC 9110, 5.6.1).
        if (!coding.isBlank() && !coding.strip().equalsIgnoreCase("identity")) {
          throw new UnsupportedMediaType("The request body must not be compressed (Content-Encoding: "
              + shown(coding.strip()) + ")");
        }
      }
    }
    String contentType = ctx.request().getHeader("Content-Type");
    String[] parts = contentType == null ? new String[] {""} : contentType.split(";");
    if (!parts[0].strip().toLowerCase(Locale.ROOT).equals("application/json")) {
      throw new UnsupportedMediaType("The request body must be JSON (Content-Type: application/json)");
    }
    // JSON is UTF-8 (RFC 8259); a body declared in another charset would be read as UTF-8 all the same.
    for (int i = 1; i < parts.length; i++) {
      String[] parameter = parts[i].split("=", 2);
      if (parameter[0].strip().equalsIgnoreCase("charset") && (parameter.length < 2
          || !parameter[1].strip().replace("\"", "").equalsIgnoreCase("utf-8"))) {
        throw new UnsupportedMediaType("The request body must be JSON in UTF-8 (charset=utf-8, or none)");
      }
    }
  }

  /** A client's value as an answer quotes it: at most 32 characters of it. */
  private static String shown(String value) {
    return value.length() <= 32 ? value : value.substring(0, 32) + "…";
  }

  /** 400 naming the first of these fields that the body gives as null (a change may leave a field out, not null it). */
  public static void refuseNulls(JsonObject body, String... fields) {
    for (String field : fields) {
      if (body.containsKey(field) && body.getValue(field) == null) {
        throw new Invalid(field, field + " must not be null");
      }
    }
  }

  /** A non-blank string field of at most maxLength characters; null when absent and not required. */
  public static String string(JsonObject body, String field, boolean required, int maxLength) {
    return Check.text(field, body.getValue(field),
        required ? Check.Text.required(maxLength) : Check.Text.optional(maxLength));
  }

  /** An array of strings; null when absent. */
  public static List<String> strings(JsonObject body, String field, boolean required) {
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
    List<String> items = new ArrayList<>();
    for (Object item : array) {
      if (!(item instanceof String text)) {
        throw new Invalid(field, field + " must be an array of strings");
      }
      Check.unicode(field, text);
      items.add(text);
    }
    return items;
  }
}
