package io.vigil.clustertest;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;

/** What the DCS server processes of the harness share: a port probe and an abrupt stop. */
final class ServerProcesses {
  private ServerProcesses() {}

  static boolean accepts(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** SIGKILL and wait: clients see the server vanish as in a crash or partition. Null-safe. */
  static void kill(Process process) {
    if (process == null) {
      return;
    }
    process.destroyForcibly();
    try {
      process.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
