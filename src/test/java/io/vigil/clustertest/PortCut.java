package io.vigil.clustertest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A silent network cut on loopback made with iptables: packets to and from a port are dropped (no RST, no FIN),
 * so peers see a partition rather than a closed server. Every rule is tagged {@value #TAG}; {@link #close()}
 * removes this cut's rules and {@link #removeLeftovers()} removes any tagged rule an earlier, killed run left.
 */
final class PortCut implements AutoCloseable {
  static final String TAG = "vigil-test";
  private static boolean hookInstalled;
  private final List<List<String>> rules = new ArrayList<>();
  private final String what;

  PortCut(String what) {
    this.what = what;
    installCleanupHook();
  }

  /** Drops every TCP packet to or from {@code port}, on any loopback address. */
  PortCut drop(int port) {
    insert(List.of("-p", "tcp", "--dport", Integer.toString(port)));
    insert(List.of("-p", "tcp", "--sport", Integer.toString(port)));
    return this;
  }

  /** Drops TCP packets to or from {@code address:port} only; the same port on other addresses stays reachable. */
  PortCut drop(String address, int port) {
    insert(List.of("-d", address, "-p", "tcp", "--dport", Integer.toString(port)));
    insert(List.of("-s", address, "-p", "tcp", "--sport", Integer.toString(port)));
    return this;
  }

  private void insert(List<String> match) {
    List<String> rule = new ArrayList<>(match);
    rule.addAll(List.of("-m", "comment", "--comment", TAG, "-j", "DROP"));
    List<String> cmd = new ArrayList<>(List.of("iptables", "-w", "-I", "INPUT"));
    cmd.addAll(rule);
    run(cmd);
    rules.add(rule);
  }

  @Override
  public void close() {
    IllegalStateException failure = null;
    for (List<String> rule : rules) {
      List<String> cmd = new ArrayList<>(List.of("iptables", "-w", "-D", "INPUT"));
      cmd.addAll(rule);
      try {
        run(cmd);
      } catch (IllegalStateException e) {
        failure = e;
      }
    }
    rules.clear();
    if (failure != null) {
      throw failure;
    }
  }

  /** Removes every rule tagged {@value #TAG}, whoever added it: call before a run and at JVM exit. */
  static void removeLeftovers() {
    for (String line : run(List.of("iptables", "-w", "-S", "INPUT")).split("\n")) {
      if (line.startsWith("-A INPUT ") && line.contains("--comment " + TAG + " ")) {
        List<String> cmd = new ArrayList<>(List.of("iptables", "-w", "-D"));
        cmd.addAll(List.of(line.substring(3).trim().split(" +")));
        run(cmd);
      }
    }
  }

  /** The tagged rules in place now, for a check that a run left none behind. */
  static List<String> leftovers() {
    return List.of(run(List.of("iptables", "-w", "-S", "INPUT")).split("\n")).stream()
        .filter(l -> l.contains("--comment " + TAG + " ")).toList();
  }

  private static synchronized void installCleanupHook() {
    if (!hookInstalled) {
      hookInstalled = true;
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          removeLeftovers();
        } catch (RuntimeException e) {
          System.err.println("could not remove iptables rules tagged " + TAG + ": " + e.getMessage());
        }
      }, "iptables-cleanup"));
    }
  }

  private static String run(List<String> cmd) {
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("timed out: " + String.join(" ", cmd));
      }
      if (p.exitValue() != 0) {
        throw new IllegalStateException(String.join(" ", cmd) + " failed (" + p.exitValue() + "): " + out.trim());
      }
      return out;
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + cmd.get(0) + " (is the iptables package installed?)", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted: " + String.join(" ", cmd));
    }
  }

  @Override
  public String toString() {
    return what;
  }
}
