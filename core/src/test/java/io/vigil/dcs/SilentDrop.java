package io.vigil.dcs;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A fault that does not announce itself: iptables rules that DROP every TCP packet to and from one local port, so
 * the peer sees neither a reset nor a close, only silence (as with a dead switch or a frozen host). Needs root and
 * the iptables command; {@link #available()} tells, for a test assumption.
 *
 * <p>Every rule carries the comment {@value #TAG}. {@link #close()} removes this instance's rules; {@link
 * #clearLeftovers()} removes tagged rules a crashed run left behind, but only for ports nothing listens on any
 * more, so a concurrent test's fault is left alone.
 */
public final class SilentDrop implements AutoCloseable {
  public static final String TAG = "vigil-test";
  private static final Pattern DPORT = Pattern.compile("--[ds]port (\\d+)");

  private final int port;
  private final List<List<String>> added = new ArrayList<>();

  private SilentDrop(int port) {
    this.port = port;
  }

  /** True when running as root with a working iptables. */
  public static boolean available() {
    try {
      Object uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
      if (!Integer.valueOf(0).equals(uid)) {
        return false;
      }
      return run(List.of("iptables", "-w", "-S", "INPUT")).exit == 0;
    } catch (IOException | UnsupportedOperationException e) {
      return false;
    }
  }

  /** Starts dropping every TCP packet to and from {@code port} on this host. */
  public static SilentDrop port(int port) throws IOException {
    SilentDrop drop = new SilentDrop(port);
    try {
      drop.add("--dport");
      drop.add("--sport");
    } catch (IOException | RuntimeException e) {
      drop.close();
      throw e;
    }
    return drop;
  }

  private void add(String direction) throws IOException {
    List<String> rule = List.of("INPUT", "-p", "tcp", direction, Integer.toString(port), "-j", "DROP",
        "-m", "comment", "--comment", TAG);
    List<String> cmd = new ArrayList<>(List.of("iptables", "-w", "-I"));
    cmd.addAll(rule);
    Result r = run(cmd);
    if (r.exit != 0) {
      throw new IOException("iptables -I failed (" + r.exit + "): " + r.output);
    }
    added.add(rule);
  }

  /** Removes this instance's rules; never throws. */
  @Override
  public void close() {
    for (List<String> rule : added) {
      List<String> cmd = new ArrayList<>(List.of("iptables", "-w", "-D"));
      cmd.addAll(rule);
      try {
        run(cmd);
      } catch (IOException e) {
        // reported by clearLeftovers next time
      }
    }
    added.clear();
  }

  /** Deletes tagged rules for ports that nothing on this host listens on any more. */
  public static void clearLeftovers() throws IOException {
    Result listing = run(List.of("iptables", "-w", "-S", "INPUT"));
    for (String line : listing.output.split("\n")) {
      if (!line.startsWith("-A ") || !line.contains(TAG)) {
        continue;
      }
      Matcher m = DPORT.matcher(line);
      if (m.find() && !listening(Integer.parseInt(m.group(1)))) {
        List<String> cmd = new ArrayList<>(List.of("iptables", "-w", "-D"));
        // the -S line is the rule spec after "-A"; quotes around the comment are iptables' own
        for (String part : line.substring(3).split(" ")) {
          cmd.add(part.replace("\"", ""));
        }
        run(cmd);
      }
    }
  }

  private static boolean listening(int port) {
    try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"))) {
      return false;
    } catch (IOException e) {
      return true;
    }
  }

  private record Result(int exit, String output) {}

  private static Result run(List<String> cmd) throws IOException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    try {
      if (!p.waitFor(20, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException(String.join(" ", cmd) + ": no exit within 20 s");
      }
      return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }
}
