package io.vigil.postgres;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The data directory as a whole: empty or not, removed (reinitialize, failed rewind), moved aside (failed
 * bootstrap).
 */
final class DataDirectory {
  private static final Logger LOG = LoggerFactory.getLogger(DataDirectory.class);

  private final Path dataDir;
  private final BooleanSupplier postgresRunning;

  DataDirectory(Path dataDir, BooleanSupplier postgresRunning) {
    this.dataDir = dataDir;
    this.postgresRunning = postgresRunning;
  }

  Path path() {
    return dataDir;
  }

  /** True when the data directory is missing or holds nothing. */
  boolean isEmpty() {
    if (!Files.isDirectory(dataDir)) {
      return true;
    }
    try (Stream<Path> s = Files.list(dataDir)) {
      return s.findAny().isEmpty();
    } catch (IOException e) {
      return false;
    }
  }

  /** Removes the data directory; refuses while PostgreSQL runs. Blocks. */
  void remove() throws IOException {
    if (postgresRunning.getAsBoolean()) {
      throw new PostgresException("refusing to remove " + dataDir + " while PostgreSQL runs");
    }
    if (Files.exists(dataDir)) {
      LOG.info("removing data directory {}", dataDir);
      try (Stream<Path> walk = Files.walk(dataDir)) {
        for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  /**
   * Moves the data directory aside as {@code <data_dir>_<YYYY-MM-DD-HH-MM-SS>} after a failed bootstrap, as
   * Patroni does: the files stay for inspection and the node can try again.
   *
   * @return where it went, or null when there was none
   */
  Path moveAside() throws IOException {
    if (!Files.exists(dataDir)) {
      return null;
    }
    String suffix = java.time.LocalDateTime.now().format(java.time.format.DateTimeFormatter.ofPattern(
        "yyyy-MM-dd-HH-mm-ss"));
    Path target = dataDir.resolveSibling(dataDir.getFileName() + "_" + suffix);
    for (int i = 1; Files.exists(target); i++) {
      target = dataDir.resolveSibling(dataDir.getFileName() + "_" + suffix + "." + i);
    }
    Files.move(dataDir, target);
    LOG.info("moved data directory {} aside to {}", dataDir, target);
    return target;
  }
}
