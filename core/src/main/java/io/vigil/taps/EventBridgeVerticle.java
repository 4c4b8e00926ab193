package io.vigil.taps;

import io.vertx.core.AbstractVerticle;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.ext.eventbus.bridge.tcp.impl.protocol.FrameHelper;
import io.vigil.config.EventBridgeSettings;
import io.vigil.events.EventType;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TCP event-bus bridge tap ({@code event_bridge}, docs/configuration.md): speaks the wire protocol of Vert.x's
 * {@code vertx-tcp-eventbus-bridge} (length-prefixed JSON frames; {@code register}, {@code unregister},
 * {@code ping} from the client, {@code message}, {@code pong}, {@code err} to it), outbound only. A client
 * registers to {@code vigil.tap.events} (every event) or {@code vigil.tap.events.<type>} among the configured
 * addresses and receives each event's JSON (docs/events.md) as a message body on that address.
 *
 * <p>Vigil serves the protocol with its own connection handler (and the library's {@link FrameHelper} for the
 * frames it answers with) instead of the library's server, because a tap must not cost the agent anything: here
 * every client is a {@link Tap} with a bounded queue and is dropped when it falls behind, a malformed frame
 * closes the connection, and an inbound {@code send}/{@code publish} is refused, logged and (unless
 * {@code keep_connection_on_inbound}) disconnected. The library's server writes to slow clients without bound
 * and only logs undecodable frames.
 */
public final class EventBridgeVerticle extends AbstractVerticle {
  private static final Logger LOG = LoggerFactory.getLogger(EventBridgeVerticle.class);
  static final long DEFAULT_STALL_MILLIS = 45_000;

  private final EventBridgeSettings settings;
  private final EventJournal journal;
  private final long stallMillis;
  private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
  private NetServer server;
  private long timer = -1;

  public EventBridgeVerticle(EventBridgeSettings settings, EventJournal journal) {
    this(settings, journal, DEFAULT_STALL_MILLIS);
  }

  EventBridgeVerticle(EventBridgeSettings settings, EventJournal journal, long stallMillis) {
    this.settings = settings;
    this.journal = journal;
    this.stallMillis = stallMillis;
  }

  /** The bound port (useful when {@code listen} asked for port 0). */
  public int actualPort() {
    return server == null ? -1 : server.actualPort();
  }

  @Override
  public void start(Promise<Void> startPromise) {
    NetServerOptions options = new NetServerOptions().setTcpNoDelay(true).setTcpKeepAlive(true);
    if (settings.tls()) {
      options.setSsl(true).setKeyCertOptions(new PemKeyCertOptions().setCertPath(settings.certfile())
          .setKeyPath(settings.keyfile() != null ? settings.keyfile() : settings.certfile()));
      if (settings.cafile() != null) {
        options.setTrustOptions(new PemTrustOptions().addCertPath(settings.cafile()));
      }
      options.setClientAuth(switch (settings.verifyClient().toLowerCase(Locale.ROOT)) {
        case "required" -> ClientAuth.REQUIRED;
        case "optional" -> ClientAuth.REQUEST;
        default -> ClientAuth.NONE;
      });
    }
    String host = settings.listen().host();
    if (host.equals("*") || host.isEmpty()) {
      host = "0.0.0.0";
    }
    server = vertx.createNetServer(options).connectHandler(this::connected)
        .exceptionHandler(e -> LOG.info("event bridge: a connection failed: {}", e.toString()));
    timer = vertx.setPeriodic(Math.max(100, stallMillis / 3), id -> {
      for (Connection c : connections) {
        c.checkStalled();
      }
    });
    server.listen(settings.listen().port(), host).onSuccess(s -> {
      LOG.info("event bridge listening on {}:{} ({}), addresses {}", settings.listen().host(), s.actualPort(),
          settings.tls() ? "TLS" : "plain TCP", settings.addresses());
      startPromise.complete();
    }).onFailure(e -> {
      LOG.error("Couldn't start the event bridge on '{}', please check your `event_bridge.listen` configuration: {}",
          settings.listen(), e.getMessage());
      startPromise.fail(e);
    });
  }

  @Override
  public void stop(Promise<Void> stopPromise) {
    vertx.cancelTimer(timer);
    for (Connection c : connections) {
      c.closed();
    }
    Future<Void> close = server == null ? Future.succeededFuture() : server.close();
    close.onComplete(ar -> stopPromise.complete());
  }

  private void connected(NetSocket socket) {
    Connection c = new Connection(socket);
    connections.add(c);
    BridgeFrames frames = new BridgeFrames(c::frame, e -> {
      LOG.warn("event bridge: closing connection from {}: malformed frame ({})", socket.remoteAddress(),
          e.getMessage());
      socket.close();
    });
    c.frames = frames;
    socket.handler(frames);
    socket.closeHandler(v -> {
      connections.remove(c);
      c.closed();
    });
    socket.exceptionHandler(e -> LOG.debug("event bridge connection {}: {}", socket.remoteAddress(), e.toString()));
  }

  /** Whether {@code address} carries {@code type}: the all-events address, or its typed sub-address. */
  static boolean carries(String address, EventType type) {
    return address.equals(EventBridgeSettings.ALL_EVENTS_ADDRESS)
        || address.equals(EventBridgeSettings.ALL_EVENTS_ADDRESS + "." + type.wireName());
  }

  /** One client: its registered addresses and, once it registered one, its tap. Runs on the server's context. */
  private final class Connection implements TapSink {
    private final NetSocket socket;
    private final Set<String> registered = new LinkedHashSet<>();
    private BridgeFrames frames;
    private Tap tap;

    Connection(NetSocket socket) {
      this.socket = socket;
    }

    void frame(JsonObject frame) {
      Object type = frame.getValue("type");
      Object address = frame.getValue("address");
      switch (type instanceof String t ? t : "") {
        case "ping" -> FrameHelper.sendFrame("pong", socket);
        case "register" -> register(address instanceof String a ? a : null);
        case "unregister" -> unregister(address instanceof String a ? a : null);
        case "send", "publish" -> refuse((String) type, address);
        default -> frames.fail("unknown frame type " + (type == null ? "(none)" : "'" + type + "'"));
      }
    }

    private void register(String address) {
      if (address == null || !settings.addresses().contains(address)) {
        LOG.info("event bridge: {} may not register to '{}' (allowed: {})", socket.remoteAddress(), address,
            settings.addresses());
        FrameHelper.sendErrFrame("access_denied", socket);
        return;
      }
      registered.add(address);
      if (tap == null) {
        tap = journal.subscribe(TapStats.BRIDGE, String.valueOf(socket.remoteAddress()), EventFilter.ALL, null,
            vertx.getOrCreateContext(), this).tap();
      }
    }

    private void unregister(String address) {
      if (address == null || !registered.remove(address)) {
        FrameHelper.sendErrFrame("unknown_address", socket);
        return;
      }
      if (registered.isEmpty() && tap != null) {
        tap.close();
        tap = null;
      }
    }

    private void refuse(String type, Object address) {
      journal.stats().inboundRefused();
      boolean keep = settings.keepConnectionOnInbound();
      LOG.warn("event bridge: refused inbound {} to '{}' from {}: the bridge is outbound only{}", type, address,
          socket.remoteAddress(), keep ? "" : "; connection closed");
      FrameHelper.sendErrFrame("access_denied", socket);
      if (!keep) {
        frames.stop();
        socket.close();
      }
    }

    void checkStalled() {
      Tap t = tap;
      if (t != null) {
        t.checkStalled(stallMillis * 1_000_000L);
      }
    }

    void closed() {
      if (tap != null) {
        tap.close();
        tap = null;
      }
    }

    @Override
    public boolean writeQueueFull() {
      return socket.writeQueueFull();
    }

    @Override
    public void deliver(JournalEvent event) {
      for (String address : registered) {
        if (carries(address, event.event().type())) {
          socket.write(BridgeFrames.message(address, event.json()));
        }
      }
    }

    @Override
    public void onDrain(Runnable resume) {
      socket.drainHandler(v -> {
        socket.drainHandler(null);
        resume.run();
      });
    }

    @Override
    public void drop(DropReason reason) {
      socket.close();
    }
  }
}
