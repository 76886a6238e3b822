package io.heartgate.testsupport;

import io.vertx.core.json.JsonObject;
import java.net.http.HttpHeaders;

/** A response as tests read it. */
public record Reply(int status, String body, HttpHeaders headers) {
  public JsonObject json() {
    return new JsonObject(body);
  }

  public String error() {
    return json().getString("error");
  }

  public String message() {
    return json().getString("message");
  }

  public String header(String name) {
    return headers.firstValue(name).orElse(null);
  }

  @Override
  public String toString() {
    return status + " " + body;
  }
}
