package io.vigil.taps;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;

/**
 * The Vert.x TCP event-bus bridge's framing (a 4-byte big-endian length, then that many bytes of UTF-8 JSON
 * object), read with limits: a frame longer than {@link #MAX_FRAME_BYTES}, empty, or not a JSON object is
 * malformed, and the connection that sent it is closed. The library's own parser buffers any announced length
 * and only logs undecodable JSON, which a public port cannot afford.
 */
final class BridgeFrames implements Handler<Buffer> {
  /** A client only ever sends register, unregister and ping frames: a few hundred bytes. */
  static final int MAX_FRAME_BYTES = 64 * 1024;

  /** A frame that cannot be a bridge message. */
  static final class MalformedFrameException extends RuntimeException {
    MalformedFrameException(String message) {
      super(message);
    }
  }

  private final Handler<JsonObject> frames;
  private final Handler<MalformedFrameException> malformed;
  private Buffer pending = Buffer.buffer();
  private boolean failed;

  BridgeFrames(Handler<JsonObject> frames, Handler<MalformedFrameException> malformed) {
    this.frames = frames;
    this.malformed = malformed;
  }

  @Override
  public void handle(Buffer data) {
    if (failed) {
      return;
    }
    pending.appendBuffer(data);
    int offset = 0;
    while (pending.length() - offset >= 4) {
      int length = pending.getInt(offset);
      if (length <= 0 || length > MAX_FRAME_BYTES) {
        fail("frame length " + length + " outside 1.." + MAX_FRAME_BYTES);
        return;
      }
      if (pending.length() - offset - 4 < length) {
        break;
      }
      String text = pending.getString(offset + 4, offset + 4 + length, StandardCharsets.UTF_8.name());
      offset += 4 + length;
      JsonObject frame;
      try {
        frame = new JsonObject(text);
      } catch (DecodeException | ClassCastException e) {
        fail("frame is not a JSON object: " + e.getMessage());
        return;
      }
      frames.handle(frame);
      if (failed) {
        return;
      }
    }
    pending = offset == 0 ? pending : pending.getBuffer(offset, pending.length());
  }

  /** Stops reading after a protocol error found by the caller (for example an unknown frame type). */
  void fail(String why) {
    failed = true;
    pending = Buffer.buffer();
    malformed.handle(new MalformedFrameException(why));
  }

  /** Stops reading without reporting a malformed frame (the caller closes the connection for its own reason). */
  void stop() {
    failed = true;
    pending = Buffer.buffer();
  }

  /** A {@code message} frame carrying an event's JSON (already encoded) on {@code address}. */
  static Buffer message(String address, String eventJson) {
    byte[] json = ("{\"type\":\"message\",\"address\":\"" + address + "\",\"send\":false,\"headers\":{},\"body\":"
        + eventJson + "}").getBytes(StandardCharsets.UTF_8);
    return Buffer.buffer(json.length + 4).appendInt(json.length).appendBytes(json);
  }
}
