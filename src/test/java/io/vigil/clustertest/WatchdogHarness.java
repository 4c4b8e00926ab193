package io.vigil.clustertest;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Plays the watchdog hardware for agents configured with Patroni's {@code driver: testing} (docs/watchdog.md §5):
 * each node's device is a named pipe (FIFO) read by a thread of this harness, which understands what the driver
 * writes ({@code Ctimeout=N\n} arms it with a timeout of N seconds, {@code 1} is a keepalive, {@code V} the magic
 * close). When an armed device goes without a keepalive for longer than its timeout, the harness does what a
 * hardware reset would do to the database: kill -9 of the node's postmaster. It lives in the test JVM, so a
 * SIGSTOP of an agent does not stop it.
 */
final class WatchdogHarness implements AutoCloseable {
  /** A device that fired: when, after how long without a keepalive, and the postmaster it killed (-1: none). */
  record Firing(String node, long atNanos, long silentMillis, long postmasterPid) {}

  private final Map<String, Device> devices = new ConcurrentHashMap<>();
  private final List<Firing> firings = new CopyOnWriteArrayList<>();
  private final Thread checker;
  private volatile boolean closed;

  WatchdogHarness() {
    checker = new Thread(this::check, "watchdog-harness");
    checker.setDaemon(true);
    checker.start();
  }

  /** One node's FIFO and what was written to it. */
  private final class Device {
    final AgentNode node;
    final Path fifo;
    final RandomAccessFile pipe;
    final AtomicLong keepalives = new AtomicLong();
    final AtomicLong magicCloses = new AtomicLong();
    volatile int timeoutSeconds;
    volatile boolean armed;
    volatile long lastFeedNanos;

    Device(AgentNode node, Path fifo) throws IOException {
      this.node = node;
      this.fifo = fifo;
      // read-write: the open does not wait for a writer and the reader never sees end-of-file between agents
      this.pipe = new RandomAccessFile(fifo.toFile(), "rw");
      Thread reader = new Thread(this::read, "watchdog-harness-" + node.name);
      reader.setDaemon(true);
      reader.start();
    }

    private void read() {
      StringBuilder command = null;
      try {
        while (!closed) {
          int b = pipe.read();
          if (b < 0) {
            return;
          }
          long now = System.nanoTime();
          if (command != null) {
            if (b == '\n') {
              String line = command.toString();
              command = null;
              if (line.startsWith("timeout=")) {
                timeoutSeconds = Integer.parseInt(line.substring("timeout=".length()));
                lastFeedNanos = now;
                armed = true;
              }
            } else {
              command.append((char) b);
            }
          } else if (b == 'C') {
            command = new StringBuilder();
          } else if (b == '1') {
            keepalives.incrementAndGet();
            lastFeedNanos = now;
          } else if (b == 'V') {
            magicCloses.incrementAndGet();
            armed = false;
          }
        }
      } catch (IOException e) {
        if (!closed) {
          System.out.println("watchdog harness of " + node.name + " stopped reading: " + e);
        }
      }
    }
  }

  /** The node's {@code watchdog} section: mode required, the testing driver on a fresh FIFO, safety_margin 5. */
  String yaml(AgentNode node) {
    Path fifo = node.dir.resolve("watchdog.fifo");
    try {
      Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).redirectErrorStream(true).start();
      if (mkfifo.waitFor() != 0) {
        throw new IllegalStateException("mkfifo " + fifo + " failed: " + new String(mkfifo.getInputStream().readAllBytes()));
      }
      TestDirs.giveToPostgres(fifo);
      devices.put(node.name, new Device(node, fifo));
    } catch (IOException e) {
      throw new IllegalStateException("cannot create the watchdog FIFO of " + node.name, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    return """
        watchdog:
          mode: required
          driver: testing
          device: %s
          safety_margin: 5
        """.formatted(fifo);
  }

  /** A {@code watchdog} section in mode required whose device does not exist: the node must never lead. */
  static String missingDeviceYaml(AgentNode node) {
    return """
        watchdog:
          mode: required
          device: %s
        """.formatted(node.dir.resolve("no-such-watchdog"));
  }

  private void check() {
    while (!closed) {
      long now = System.nanoTime();
      for (Device d : devices.values()) {
        long silent = (now - d.lastFeedNanos) / 1_000_000;
        if (d.armed && silent > d.timeoutSeconds * 1000L) {
          d.armed = false;
          long pid = d.node.postmasterPid();
          if (pid > 0) {
            AgentNode.signal(pid, "KILL");
          }
          firings.add(new Firing(d.node.name, System.nanoTime(), silent, pid));
          System.out.println("watchdog harness: " + d.node.name + " went " + silent + " ms without a keepalive "
              + "(timeout " + d.timeoutSeconds + " s): killed postmaster " + pid);
        }
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  boolean armed(String node) {
    return devices.get(node).armed;
  }

  int timeoutSeconds(String node) {
    return devices.get(node).timeoutSeconds;
  }

  long keepalives(String node) {
    return devices.get(node).keepalives.get();
  }

  long magicCloses(String node) {
    return devices.get(node).magicCloses.get();
  }

  List<Firing> firings() {
    return new ArrayList<>(firings);
  }

  /** What each device saw, for failure messages. */
  String describe() {
    StringBuilder b = new StringBuilder();
    devices.forEach((name, d) -> b.append(String.format("%s: armed %s, timeout %d s, %d keepalives, %d magic closes, "
        + "last feed %s; ", name, d.armed, d.timeoutSeconds, d.keepalives.get(), d.magicCloses.get(),
        d.timeoutSeconds == 0 ? "never" : Duration.ofNanos(System.nanoTime() - d.lastFeedNanos).toMillis() + " ms ago")));
    return b + "firings " + firings;
  }

  @Override
  public void close() {
    closed = true;
    checker.interrupt();
    for (Device d : devices.values()) {
      try {
        d.pipe.write('\n'); // wakes the reader, which sees closed
        d.pipe.close();
        Files.deleteIfExists(d.fifo);
      } catch (IOException e) {
        // the directory goes with the cluster
      }
    }
  }
}
