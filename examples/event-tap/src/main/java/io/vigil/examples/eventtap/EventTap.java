package io.vigil.examples.eventtap;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.ext.eventbus.bridge.tcp.impl.protocol.FrameHelper;
import io.vertx.ext.eventbus.bridge.tcp.impl.protocol.FrameParser;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Connects to the TCP event bridge of every agent given ({@code host:port}), registers to
 * {@code vigil.tap.events} and prints each role change, leader change, switchover and failover as one line.
 * Reconnects to an agent whose connection ends (an agent that was killed, restarted or upgraded) every few
 * seconds. Usage: {@code EventTap [--ca FILE] host:port [host:port ...]} (with {@code --ca}, TLS checked against
 * that CA).
 */
public final class EventTap {
  public static final String ADDRESS = "vigil.tap.events";
  static final long RECONNECT_MILLIS = 2000;

  private final Vertx vertx;
  private final NetClient client;
  private final Consumer<String> out;
  private volatile boolean stopped;

  public EventTap(Vertx vertx, String caFile, Consumer<String> out) {
    this.vertx = vertx;
    this.out = out;
    NetClientOptions options = new NetClientOptions().setConnectTimeout(5000).setTcpKeepAlive(true);
    if (caFile != null) {
      options.setSsl(true).setTrustOptions(new PemTrustOptions().addCertPath(caFile));
    }
    this.client = vertx.createNetClient(options);
  }

  /** Starts watching one agent's bridge; never fails: a refused or lost connection is retried. */
  public void watch(String host, int port) {
    if (stopped) {
      return;
    }
    client.connect(port, host).onSuccess(socket -> {
      out.accept("# connected to " + host + ":" + port);
      socket.handler(new FrameParser(frame -> {
        if (frame.failed()) {
          out.accept("# bad frame from " + host + ":" + port + ": " + frame.cause().getMessage());
          return;
        }
        JsonObject json = frame.result();
        if ("message".equals(json.getString("type")) && json.getValue("body") instanceof JsonObject event) {
          EventLines.line(event).ifPresent(out);
        } else if ("err".equals(json.getString("type"))) {
          out.accept("# " + host + ":" + port + " refused: " + json.getString("message"));
        }
      }));
      socket.closeHandler(v -> {
        out.accept("# lost " + host + ":" + port + ", reconnecting");
        vertx.setTimer(RECONNECT_MILLIS, t -> watch(host, port));
      });
      FrameHelper.sendFrame("register", ADDRESS, null, socket);
    }).onFailure(e -> vertx.setTimer(RECONNECT_MILLIS, t -> watch(host, port)));
  }

  public void stop() {
    stopped = true;
    client.close();
  }

  public static void main(String[] args) {
    String ca = null;
    List<String> targets = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--ca") && i + 1 < args.length) {
        ca = args[++i];
      } else {
        targets.add(args[i]);
      }
    }
    if (targets.isEmpty()) {
      System.err.println("usage: EventTap [--ca FILE] host:port [host:port ...]   (each agent's event_bridge.listen)");
      System.exit(2);
    }
    PrintStream stdout = System.out;
    EventTap tap = new EventTap(Vertx.vertx(), ca, line -> {
      synchronized (stdout) {
        stdout.println(line);
      }
    });
    for (String target : targets) {
      int colon = target.lastIndexOf(':');
      tap.watch(target.substring(0, colon), Integer.parseInt(target.substring(colon + 1)));
    }
  }
}
