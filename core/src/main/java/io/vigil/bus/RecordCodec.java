package io.vigil.bus;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;

/**
 * Passes immutable records between verticles of one JVM without copying. Never used across a network, so
 * encoding is refused.
 */
public final class RecordCodec<T> implements MessageCodec<T, T> {
  private final Class<T> type;

  private RecordCodec(Class<T> type) {
    this.type = type;
  }

  /** Registers a codec for {@code type} as its default, once per Vertx instance. */
  public static <T> void register(Vertx vertx, Class<T> type) {
    try {
      vertx.eventBus().registerDefaultCodec(type, new RecordCodec<>(type));
    } catch (IllegalStateException alreadyRegistered) {
      // a second agent component registering the same record type is harmless
    }
  }

  @Override
  public void encodeToWire(Buffer buffer, T value) {
    throw new IllegalStateException(type.getName() + " is a local-only message");
  }

  @Override
  public T decodeFromWire(int pos, Buffer buffer) {
    throw new IllegalStateException(type.getName() + " is a local-only message");
  }

  @Override
  public T transform(T value) {
    return value;
  }

  @Override
  public String name() {
    return "vigil-record-" + type.getName();
  }

  @Override
  public byte systemCodecID() {
    return -1;
  }
}
