package io.heartgate.http;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.validation.ResponseValidator;
import io.vertx.openapi.validation.ValidatableResponse;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * Judges one answer of the gateway against the OpenAPI document: its status, its documented headers and its body,
 * with vertx-openapi's {@link ResponseValidator}, plus what that validator leaves unchecked. Remembers which
 * operations and statuses were judged, so a test can tell which ones it never replayed.
 *
 * <p>vertx-openapi 5.0 knows a fixed list of media types (JSON, multipart, octet-stream, text/plain) and refuses a
 * contract naming any other, and its validator looks the answer's {@code Content-Type} up verbatim among the
 * documented ones (vertx-openapi issue 15: {@code application/json; charset=utf-8} is not {@code application/json}).
 * So, honestly and in one place: the validator is handed a copy of the document in which every non-JSON media type
 * (TOML, YAML, HTML, Prometheus text) is {@code application/octet-stream}; this class first checks the answer's
 * real {@code Content-Type} against the real document itself, then validates status and headers (and for JSON the
 * body against its schema). JSON answers are handed over with their {@code Content-Type} as sent: the gateway
 * sends a bare {@code application/json}, and one that sent anything else would fail here, as it should.
 */
final class OpenApiResponses implements AutoCloseable {
  private static final String JSON = "application/json";
  private static final String OPAQUE = "application/octet-stream";

  private final Vertx vertx;
  private final JsonObject document;
  private final ResponseValidator validator;
  /** operationId → the operation, as written (references unresolved). */
  private final Map<String, JsonObject> operations = new TreeMap<>();
  private final Map<String, Set<Integer>> judged = new TreeMap<>();

  OpenApiResponses(JsonObject document) {
    this.document = document;
    this.vertx = Vertx.vertx();
    JsonObject paths = document.getJsonObject("paths");
    for (String path : paths.fieldNames()) {
      JsonObject item = paths.getJsonObject(path);
      for (String method : item.fieldNames()) {
        if (!method.equals("parameters")) {
          JsonObject operation = item.getJsonObject(method);
          operations.put(operation.getString("operationId"), operation.copy().put("x-method", method)
              .put("x-path", path));
        }
      }
    }
    OpenAPIContract contract = await(OpenAPIContract.from(vertx, validationCopy(document)));
    this.validator = ResponseValidator.create(vertx, contract);
  }

  /** Every operation of the document. */
  Set<String> operationIds() {
    return operations.keySet();
  }

  /** The statuses the document lists for an operation. */
  Set<Integer> documentedStatuses(String operationId) {
    Set<Integer> statuses = new TreeSet<>();
    operation(operationId).getJsonObject("responses").fieldNames().forEach(s -> statuses.add(Integer.valueOf(s)));
    return statuses;
  }

  /** operationId → the statuses judged so far. */
  Map<String, Set<Integer>> judged() {
    return judged;
  }

  /** Whether the operation takes no credentials ({@code security: []}). */
  boolean isPublic(String operationId) {
    io.vertx.core.json.JsonArray security = operation(operationId).getJsonArray("security");
    return security != null && security.isEmpty();
  }

  /** The operation's method, upper case. */
  String method(String operationId) {
    return operation(operationId).getString("x-method").toUpperCase(Locale.ROOT);
  }

  /** The operation's path template, e.g. {@code /api/tokens/{id}}. */
  String path(String operationId) {
    return operation(operationId).getString("x-path");
  }

  /** The operation's method and path, e.g. {@code GET /api/tokens/{id}}. */
  String describe(String operationId) {
    JsonObject operation = operation(operationId);
    return operation.getString("x-method").toUpperCase(Locale.ROOT) + " " + operation.getString("x-path");
  }

  /** Throws an AssertionError naming the operation and what deviates from the document. */
  void check(String operationId, HttpResponse<String> answer) {
    JsonObject operation = operation(operationId);
    int status = answer.statusCode();
    judged.computeIfAbsent(operationId, ignored -> new TreeSet<>()).add(status);
    String what = describe(operationId) + " (" + operationId + ") answered " + status + " " + answer.body();
    JsonObject documented = resolve(operation.getJsonObject("responses").getJsonObject(String.valueOf(status)));
    if (documented == null) {
      throw new AssertionError(what + ": the document lists no such status for this operation");
    }
    // Rules of the contract for every answer, which the document states once in its description.
    require("nosniff".equals(answer.headers().firstValue("X-Content-Type-Options").orElse(null)), what,
        "every answer carries X-Content-Type-Options: nosniff");
    if (answer.uri().getPath().startsWith("/api/") || answer.uri().getPath().equals("/metrics")) {
      require("no-store".equals(answer.headers().firstValue("Cache-Control").orElse(null)), what,
          "every /api and /metrics answer carries Cache-Control: no-store");
    }

    Map<String, String> headers = new HashMap<>();
    JsonObject documentedHeaders = documented.getJsonObject("headers", new JsonObject());
    for (String name : documentedHeaders.fieldNames()) {
      // The validator looks headers up by the document's spelling; HTTP header names are case-insensitive.
      answer.headers().firstValue(name).ifPresent(value -> headers.put(name, value));
    }
    Buffer body = null;
    String contentType = null;
    JsonObject content = documented.getJsonObject("content");
    if (content == null) {
      require(answer.body().isEmpty(), what, "the document gives this answer no body");
    } else {
      String sent = answer.headers().firstValue("Content-Type").orElse("");
      String match = content.fieldNames().stream().filter(type -> sameMediaType(type, sent)).findFirst()
          .orElseThrow(() -> new AssertionError(what + ": Content-Type " + sent + " is not among "
              + content.fieldNames()));
      body = Buffer.buffer(answer.body().getBytes(StandardCharsets.UTF_8));
      contentType = match.equals(JSON) ? sent : OPAQUE;
      require(body.length() > 0, what, "the document gives this answer a body");
    }
    try {
      await(validator.validate(ValidatableResponse.create(status, headers, body, contentType), operationId));
    } catch (RuntimeException e) {
      throw new AssertionError(what + ": " + e.getMessage(), e);
    }
  }

  private JsonObject operation(String operationId) {
    JsonObject operation = operations.get(operationId);
    if (operation == null) {
      throw new AssertionError("the document has no operation " + operationId);
    }
    return operation;
  }

  /** A response object, following a {@code $ref} into components. */
  private JsonObject resolve(JsonObject response) {
    if (response == null || !response.containsKey("$ref")) {
      return response;
    }
    JsonObject target = document;
    for (String part : response.getString("$ref").substring(2).split("/")) {
      target = target.getJsonObject(part);
    }
    return target;
  }

  /** Media types compare case-insensitively, and so do their parameters; blanks around {@code ;} do not count. */
  private static boolean sameMediaType(String documented, String sent) {
    return normalized(documented).equals(normalized(sent));
  }

  private static String normalized(String mediaType) {
    return mediaType.toLowerCase(Locale.ROOT).replaceAll("\\s*;\\s*", ";").strip();
  }

  private static void require(boolean condition, String what, String rule) {
    if (!condition) {
      throw new AssertionError(what + ": " + rule);
    }
  }

  /** The document with every non-JSON media type of a response replaced by an opaque one (see the class comment). */
  private static JsonObject validationCopy(JsonObject document) {
    JsonObject copy = document.copy();
    copy.getJsonObject("paths").forEach(item -> ((JsonObject) item.getValue()).forEach(operation -> {
      if (operation.getValue() instanceof JsonObject op && op.containsKey("responses")) {
        op.getJsonObject("responses").forEach(response -> opaque((JsonObject) response.getValue()));
      }
    }));
    JsonObject components = copy.getJsonObject("components", new JsonObject());
    components.getJsonObject("responses", new JsonObject()).forEach(r -> opaque((JsonObject) r.getValue()));
    return copy;
  }

  private static void opaque(JsonObject response) {
    JsonObject content = response.getJsonObject("content");
    if (content == null) {
      return;
    }
    Map<String, Object> kept = new LinkedHashMap<>();
    for (String type : content.fieldNames()) {
      kept.put(type.equals(JSON) ? type : OPAQUE, type.equals(JSON) ? content.getValue(type) : new JsonObject());
    }
    response.put("content", new JsonObject(kept));
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      Throwable cause = e.getCause();
      throw cause instanceof RuntimeException runtime ? runtime : new IllegalStateException(cause);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("vertx-openapi did not answer in 30 s", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("could not close the validator's Vert.x", e);
    }
  }
}
