package io.vigil.dcs.zookeeper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The demo's ZooKeeper process ({@code EmbeddedZooKeeper.main}) from start to SIGTERM. */
class EmbeddedZooKeeperProcessIT {
  private static final String AGENT_LINE =
      "\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d,\\d{3} (DEBUG|INFO|WARNING|ERROR|CRITICAL): .+";

  @Test
  void itsLogLinesAreInTheAgentsFormat() throws Exception {
    Path data = Files.createTempDirectory("vigil-zk-main-");
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
        System.getProperty("java.class.path"), EmbeddedZooKeeper.class.getName(),
        "--port", Integer.toString(ZooKeeperFixture.freePort()), "--data-dir", data.toString())
        .redirectErrorStream(true).start();
    List<String> lines = new ArrayList<>();
    try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = out.readLine()) != null) {
        lines.add(line);
        if (line.startsWith("ZooKeeper listening on ")) {
          p.toHandle().destroy(); // SIGTERM, keeping the output open (Process.destroy closes it)
        }
      }
    } finally {
      p.destroyForcibly();
      assertTrue(p.waitFor(30, TimeUnit.SECONDS));
      try (java.util.stream.Stream<Path> files = Files.walk(data)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
    List<String> logged = lines.stream().filter(l -> !l.startsWith("ZooKeeper listening on ")).toList();
    assertEquals(List.of(), logged.stream().filter(l -> !l.matches(AGENT_LINE)).toList(), "not in the agent's format");
    assertTrue(logged.stream().anyMatch(l -> l.contains(" INFO: ZooKeeper ") && l.contains(" serving 127.0.0.1:")),
        String.join("\n", lines));
  }
}
