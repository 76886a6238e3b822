package io.heartgate.bus;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;

/**
 * Passes a Java value over the local event bus by reference: no serialization, because messages never leave
 * the node. The values are immutable records, so sharing them between event loops is safe.
 */
public final class LocalCodec<T> implements MessageCodec<T, T> {
  private final String name;

  private LocalCodec(Class<T> type) {
    this.name = "local:" + type.getName();
  }

  /** Makes the type travel by reference wherever it is sent on this Vert.x instance. */
  public static <T> void register(Vertx vertx, Class<T> type) {
    vertx.eventBus().registerDefaultCodec(type, new LocalCodec<>(type));
  }

  @Override
  public void encodeToWire(Buffer buffer, T value) {
    throw new IllegalStateException(name + " is local to one node and never goes over the wire");
  }

  @Override
  public T decodeFromWire(int position, Buffer buffer) {
    throw new IllegalStateException(name + " is local to one node and never goes over the wire");
  }

  @Override
  public T transform(T value) {
    return value;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public byte systemCodecID() {
    return -1;
  }
}
