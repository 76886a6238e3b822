package io.heartgate.bench;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;

/**
 * The ceiling of the machine: a bare Vert.x HTTP server on the gateway's transport (epoll where it loads), one
 * instance per event loop like the gateway's router, that reads a heartbeat body, parses it as JSON (Jackson, as
 * the gateway does), checks it has an id and answers 204. No auth, no validation, no store.
 *
 * <p>Usage: {@code java -cp target/heartgate.jar:target/bench-classes io.heartgate.bench.BareServer <port>}
 */
public final class BareServer extends VerticleBase {
  private final int port;

  private BareServer(int port) {
    this.port = port;
  }

  public static void main(String[] args) {
    int port = Integer.parseInt(args[0]);
    int eventLoops = Runtime.getRuntime().availableProcessors();
    // The gateway's transport (epoll where it loads), so that the ceiling is measured on it too.
    Vertx vertx = Vertx.builder().with(new VertxOptions().setEventLoopPoolSize(eventLoops)
        .setPreferNativeTransport(true)).build();
    vertx.deployVerticle(() -> new BareServer(port), new DeploymentOptions().setInstances(eventLoops))
        .onSuccess(id -> System.out.println("bare server listening on 127.0.0.1:" + port + ", transport "
            + (vertx.isNativeTransportEnabled() ? "epoll" : "Java NIO")))
        .onFailure(e -> {
          e.printStackTrace();
          System.exit(1);
        });
  }

  @Override
  public Future<?> start() {
    return vertx.createHttpServer().requestHandler(this::handle).listen(port, "127.0.0.1");
  }

  private void handle(HttpServerRequest request) {
    request.body().onComplete(read -> {
      if (read.failed()) {
        request.response().setStatusCode(400).end();
        return;
      }
      try {
        JsonObject heartbeat = new JsonObject(read.result());
        request.response().setStatusCode(heartbeat.getString("id") == null ? 400 : 204).end();
      } catch (RuntimeException e) {
        request.response().setStatusCode(400).end();
      }
    });
  }
}
