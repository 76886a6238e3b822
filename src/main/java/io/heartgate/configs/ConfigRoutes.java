package io.heartgate.configs;

import io.heartgate.core.Invalid;
import io.heartgate.core.TooLarge;
import io.heartgate.http.RequestOrigin;
import io.heartgate.http.Authenticator;
import io.heartgate.core.ClientInfo;
import io.heartgate.http.RequestBody;
import io.heartgate.http.Responses;
import io.heartgate.http.Routes;
import io.heartgate.settings.AuthGroup;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.HostAndPort;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP ↔ JSON for {@code /api/configs}, and the TOML download agents start from and watch
 * ({@code GET}/{@code HEAD /api/configs/{id}/toml}), all in the {@code configs} authentication group.
 */
public final class ConfigRoutes implements Routes {
  /** Largest TOML accepted, in UTF-8 bytes; the API's 1 MiB request-body limit usually answers 413 first. */
  public static final int MAX_TOML_BYTES = 1024 * 1024;
  private static final int MAX_NAME = 255;
  private static final int MAX_DESCRIPTION = 4096;
  private static final int MAX_URL = 2048;
  private static final String TOML_CONTENT_TYPE = "application/toml; charset=utf-8";

  private static final String NAME = "name";
  private static final String DESCRIPTION = "description";
  private static final String TOML = "toml";
  private static final String TEMPLATE = "template";
  private static final String HEARTBEAT_URL = "heartbeatUrl";

  private final ConfigService service;
  private final Authenticator auth;
  private final int heartbeatPort;

  /** @param heartbeatPort the heartbeat listener's port, for the heartbeat URL of the agent template */
  public ConfigRoutes(ConfigService service, Authenticator auth, int heartbeatPort) {
    this.service = service;
    this.auth = auth;
    this.heartbeatPort = heartbeatPort;
  }

  @Override
  public void mount(Router router) {
    AuthGroup group = AuthGroup.CONFIGS;
    router.get("/api/configs").handler(auth.require(group, "configs:read")).handler(this::list);
    router.post("/api/configs").handler(auth.require(group, "configs:write")).handler(this::create);
    router.get("/api/configs/:id").handler(auth.require(group, "configs:read")).handler(ctx ->
        respond(ctx, 200, service.get(ctx.pathParam("id"))));
    router.patch("/api/configs/:id").handler(auth.require(group, "configs:write")).handler(this::update);
    router.delete("/api/configs/:id").handler(auth.require(group, "configs:delete")).handler(ctx ->
        service.delete(Authenticator.principal(ctx), ctx.pathParam("id"), RequestOrigin.of(ctx))
            .onSuccess(ignored -> Responses.noContent(ctx))
            .onFailure(ctx::fail));
    // Vert.x answers HEAD for a GET route with 404/405, and Telegraf's URL watcher sends HEAD: register both.
    router.get("/api/configs/:id/toml").handler(auth.require(group, "configs:read")).handler(this::toml);
    router.head("/api/configs/:id/toml").handler(auth.require(group, "configs:read")).handler(this::toml);
  }

  private void list(RoutingContext ctx) {
    service.list()
        .onSuccess(configs -> {
          JsonArray items = new JsonArray();
          configs.forEach(config -> items.add(config.toJson()));
          Responses.json(ctx, 200, new JsonObject().put("configs", items));
        })
        .onFailure(ctx::fail);
  }

  private void create(RoutingContext ctx) {
    JsonObject body = RequestBody.object(ctx);
    String name = text(body, NAME, MAX_NAME, false);
    if (name == null) {
      throw new Invalid(NAME, NAME + " is required");
    }
    String description = text(body, DESCRIPTION, MAX_DESCRIPTION, true);
    String toml = toml(body);
    String template = text(body, TEMPLATE, MAX_NAME, false);
    String heartbeatUrl = heartbeatUrl(body);
    if (template != null) {
      if (!template.equals(AgentTemplate.NAME)) {
        throw new Invalid(TEMPLATE, TEMPLATE + " must be \"" + AgentTemplate.NAME + "\"");
      }
      toml = AgentTemplate.withBlock(heartbeatUrl != null ? heartbeatUrl : defaultHeartbeatUrl(ctx), toml);
      requireSize(toml);
    } else if (heartbeatUrl != null) {
      throw new Invalid(HEARTBEAT_URL, HEARTBEAT_URL + " is only used with \"template\":\"agent\"");
    } else if (toml == null) {
      throw new Invalid(TOML, TOML + " is required (or \"template\":\"agent\")");
    }
    ConfigService.NewConfig config = new ConfigService.NewConfig(name, description == null ? "" : description, toml);
    respond(ctx, 201, service.create(Authenticator.principal(ctx), config, RequestOrigin.of(ctx)));
  }

  private void update(RoutingContext ctx) {
    JsonObject body = RequestBody.object(ctx);
    for (String field : new String[] {TEMPLATE, HEARTBEAT_URL}) {
      if (body.containsKey(field)) {
        throw new Invalid(field, field + " is only accepted when a config is created");
      }
    }
    for (String field : new String[] {NAME, DESCRIPTION, TOML}) {
      if (body.containsKey(field) && body.getValue(field) == null) {
        throw new Invalid(field, field + " must not be null");
      }
    }
    ConfigRepository.Changes changes = new ConfigRepository.Changes(text(body, NAME, MAX_NAME, false),
        text(body, DESCRIPTION, MAX_DESCRIPTION, true), toml(body));
    if (changes.name() == null && changes.description() == null && changes.toml() == null) {
      throw new Invalid(NAME, "nothing to change: give name, description or toml");
    }
    respond(ctx, 200, service.update(Authenticator.principal(ctx), ctx.pathParam("id"), changes,
        RequestOrigin.of(ctx)));
  }

  /**
   * GET and HEAD: the same status and headers, HEAD without the body. Always 200 with a fresh body for a known
   * config: Telegraf sends no conditional requests and treats anything but 200 as a failure.
   */
  private void toml(RoutingContext ctx) {
    Map<String, List<String>> query = queryValues(ctx.request().query());
    service.render(ctx.pathParam("id"), name -> {
          List<String> values = query.get(name);
          return values == null ? null : String.join(", ", values);
        })
        .onSuccess(rendered -> {
          Buffer body = Buffer.buffer(rendered.toml(), StandardCharsets.UTF_8.name());
          ctx.response().setStatusCode(200)
              .putHeader(HttpHeaders.CONTENT_TYPE, TOML_CONTENT_TYPE)
              .putHeader(HttpHeaders.LAST_MODIFIED, LastModified.format(rendered.tomlChangedAt()))
              .putHeader(HttpHeaders.CACHE_CONTROL, "no-store");
          if (ctx.request().method() == HttpMethod.HEAD) {
            ctx.response().putHeader(HttpHeaders.CONTENT_LENGTH, String.valueOf(body.length())).end();
          } else {
            ctx.response().end(body);
          }
        })
        .onFailure(ctx::fail);
  }

  /**
   * The query string's values by name, decoded as UTF-8 form data ({@code +} is a space), names matched exactly
   * (Vert.x's own parameter map ignores case, and {@code &{Host}} and {@code &{host}} are two parameters).
   */
  private static Map<String, List<String>> queryValues(String rawQuery) {
    Map<String, List<String>> values = new HashMap<>();
    if (rawQuery == null || rawQuery.isEmpty()) {
      return values;
    }
    for (String pair : rawQuery.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int equals = pair.indexOf('=');
      try {
        String name = URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), StandardCharsets.UTF_8);
        String value = equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
        values.computeIfAbsent(name, ignored -> new ArrayList<>()).add(value);
      } catch (IllegalArgumentException malformed) {
        throw new Invalid("query", "The query string is malformed");
      }
    }
    return values;
  }

  /**
   * A string field; null when absent. {@code emptyAllowed} lets it be "" (a description may be cleared). NUL is
   * refused: PostgreSQL cannot store it in text.
   */
  private static String text(JsonObject body, String field, int maxLength, boolean emptyAllowed) {
    Object value = body.getValue(field);
    if (value == null) {
      return null;
    }
    if (!(value instanceof String text)) {
      throw new Invalid(field, field + " must be a string");
    }
    if (!emptyAllowed && text.isBlank()) {
      throw new Invalid(field, field + " must not be empty");
    }
    if (text.length() > maxLength) {
      throw new Invalid(field, field + " must be at most " + maxLength + " characters");
    }
    if (text.indexOf('\0') >= 0) {
      throw new Invalid(field, field + " must not contain NUL characters");
    }
    return text;
  }

  /** The TOML exactly as sent (empty allowed), within the size limit and encodable as UTF-8; null when absent. */
  private static String toml(JsonObject body) {
    String toml = text(body, TOML, Integer.MAX_VALUE, true);
    if (toml != null) {
      requireSize(toml);
    }
    return toml;
  }

  private static void requireSize(String toml) {
    int bytes;
    try {
      // A JSON string may carry a lone surrogate (\ud800), which has no UTF-8 form and could not be served.
      ByteBuffer encoded = StandardCharsets.UTF_8.newEncoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .encode(CharBuffer.wrap(toml));
      bytes = encoded.remaining();
    } catch (CharacterCodingException e) {
      throw new Invalid(TOML, TOML + " must be valid Unicode text (it holds an unpaired surrogate)");
    }
    if (bytes > MAX_TOML_BYTES) {
      throw new TooLarge(TOML, TOML + " must be at most " + MAX_TOML_BYTES + " bytes of UTF-8");
    }
  }

  private static String heartbeatUrl(JsonObject body) {
    String url = text(body, HEARTBEAT_URL, MAX_URL, false);
    if (url == null) {
      return null;
    }
    try {
      URI uri = new URI(url);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null) {
        return url;
      }
    } catch (URISyntaxException e) {
      // answered below
    }
    throw new Invalid(HEARTBEAT_URL, HEARTBEAT_URL + " must be an absolute http or https URL");
  }

  /**
   * Where agents reach the heartbeat listener when the caller did not say: the host name the caller used to reach
   * this API (the only public name the gateway can know when it listens on 0.0.0.0) with the heartbeat port.
   */
  private String defaultHeartbeatUrl(RoutingContext ctx) {
    HostAndPort authority = ctx.request().authority();
    if (authority == null || authority.host() == null || authority.host().isBlank()) {
      throw new Invalid(HEARTBEAT_URL, HEARTBEAT_URL + " is required when the request has no Host header");
    }
    String host = authority.host();
    if (host.indexOf(':') >= 0 && !host.startsWith("[")) {
      host = "[" + host + "]";
    }
    return "http://" + host + ":" + heartbeatPort + AgentTemplate.HEARTBEAT_PATH;
  }

  private static void respond(RoutingContext ctx, int status, Future<Config> config) {
    config.onSuccess(c -> Responses.json(ctx, status, c.toJson())).onFailure(ctx::fail);
  }
}
