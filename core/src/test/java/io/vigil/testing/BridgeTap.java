package io.vigil.testing;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** A test client of the TCP event bridge: writes frames, records every frame it receives (and when). */
public final class BridgeTap implements AutoCloseable {
  /** One received frame. */
  public record Frame(JsonObject json, long receivedNanos) {}

  private final NetClient client;
  private final List<Frame> frames = new ArrayList<>();
  private final Promise<Void> closed = Promise.promise();
  private NetSocket socket;
  private Buffer pending = Buffer.buffer();

  private BridgeTap(Vertx vertx) {
    client = vertx.createNetClient(new NetClientOptions().setConnectTimeout(5000));
  }

  /** Connects and, for each address given, registers to it. */
  public static Future<BridgeTap> connect(Vertx vertx, int port, String... addresses) {
    BridgeTap tap = new BridgeTap(vertx);
    return tap.client.connect(port, "127.0.0.1").map(s -> {
      tap.socket = s;
      s.handler(tap::data);
      s.closeHandler(v -> tap.closed.tryComplete());
      for (String a : addresses) {
        tap.send(new JsonObject().put("type", "register").put("address", a));
      }
      return tap;
    });
  }

  public Future<Void> send(JsonObject frame) {
    return sendRaw(frame(frame));
  }

  public Future<Void> sendRaw(Buffer bytes) {
    return socket.write(bytes);
  }

  public static Buffer frame(JsonObject json) {
    byte[] b = json.encode().getBytes(StandardCharsets.UTF_8);
    return Buffer.buffer().appendInt(b.length).appendBytes(b);
  }

  private void data(Buffer chunk) {
    long now = System.nanoTime();
    synchronized (this) {
      pending.appendBuffer(chunk);
      int offset = 0;
      while (pending.length() - offset >= 4) {
        int length = pending.getInt(offset);
        if (pending.length() - offset - 4 < length) {
          break;
        }
        frames.add(new Frame(new JsonObject(pending.getString(offset + 4, offset + 4 + length)), now));
        offset += 4 + length;
      }
      pending = pending.getBuffer(offset, pending.length());
    }
  }

  public synchronized List<Frame> frames() {
    return new ArrayList<>(frames);
  }

  /** The bodies of the {@code message} frames: the events, in arrival order. */
  public synchronized List<JsonObject> events() {
    return frames.stream().filter(f -> "message".equals(f.json().getString("type")))
        .map(f -> f.json().getJsonObject("body")).toList();
  }

  public synchronized List<Frame> messages() {
    return frames.stream().filter(f -> "message".equals(f.json().getString("type"))).toList();
  }

  /** Completes when the server closed the connection. */
  public Future<Void> closed() {
    return closed.future();
  }

  @Override
  public void close() {
    client.close();
  }
}
