package io.vigil.postgres;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the PostgreSQL binaries are and under which OS user they run.
 *
 * <p>PostgreSQL refuses to run as root. When the agent's JVM runs as root (euid 0), the postmaster is started
 * through {@code setpriv --reuid=postgres ... -- postgres}, which execs, so the child's PID is the postmaster's
 * and shutdown signals reach it directly; short tools (initdb, pg_ctl, pg_basebackup, pg_rewind) go through
 * {@code runuser -u postgres --}. Files PostgreSQL must own (data dir, config files, pgpass) are chowned to
 * that user. Not running as root, everything runs as the agent's own user and nothing is chowned.
 */
public final class PgBinaries {
  private static final Logger LOG = LoggerFactory.getLogger(PgBinaries.class);
  static final String OS_USER = "postgres";

  private final Path binDir;
  private final Map<String, String> binName;
  private final boolean root;

  PgBinaries(Path binDir, Map<String, String> binName, boolean root) {
    this.binDir = binDir;
    this.binName = binName == null ? Map.of() : Map.copyOf(binName);
    this.root = root;
  }

  /**
   * Uses {@code binDir} when set; otherwise the bin dir of the major version in {@code dataDir/PG_VERSION}, or
   * of the highest installed major version ({@code /usr/lib/postgresql/<major>/bin}, {@code /usr/pgsql-<major>/bin}).
   *
   * @throws IllegalStateException when no installation is found
   */
  public static PgBinaries locate(Path binDir, Map<String, String> binName, Path dataDir) {
    boolean root = runningAsRoot();
    if (binDir != null) {
      return new PgBinaries(binDir, binName, root);
    }
    Path found = findInstalled(dataDir);
    LOG.info("postgresql.bin_dir is not set; using {}", found);
    return new PgBinaries(found, binName, root);
  }

  static boolean runningAsRoot() {
    try {
      return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return false;
    }
  }

  private static Path findInstalled(Path dataDir) {
    String wanted = null;
    try {
      Path versionFile = dataDir == null ? null : dataDir.resolve("PG_VERSION");
      if (versionFile != null && Files.isRegularFile(versionFile)) {
        wanted = Files.readString(versionFile).trim();
      }
    } catch (IOException e) {
      // fall back to the newest installation
    }
    List<Path> candidates = new ArrayList<>();
    for (String base : List.of("/usr/lib/postgresql", "/usr/local/pgsql")) {
      Path dir = Path.of(base);
      if (Files.isDirectory(dir)) {
        try (Stream<Path> s = Files.list(dir)) {
          s.map(p -> p.resolve("bin")).filter(p -> Files.isExecutable(p.resolve("postgres"))).forEach(candidates::add);
        } catch (IOException e) {
          // unreadable: not a candidate
        }
      }
    }
    try (Stream<Path> s = Files.list(Path.of("/usr"))) {
      s.filter(p -> p.getFileName().toString().startsWith("pgsql-")).map(p -> p.resolve("bin"))
          .filter(p -> Files.isExecutable(p.resolve("postgres"))).forEach(candidates::add);
    } catch (IOException e) {
      // no /usr listing: nothing to add
    }
    if (wanted != null) {
      for (Path c : candidates) {
        if (c.getParent().getFileName().toString().replace("pgsql-", "").equals(wanted)) {
          return c;
        }
      }
    }
    Optional<Path> newest = candidates.stream().max(Comparator.comparingInt(PgBinaries::majorOf));
    return newest.orElseThrow(() -> new IllegalStateException(
        "no PostgreSQL installation found under /usr/lib/postgresql or /usr/pgsql-*; set postgresql.bin_dir"));
  }

  private static int majorOf(Path bin) {
    String v = bin.getParent().getFileName().toString().replace("pgsql-", "");
    try {
      return (int) Double.parseDouble(v);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  public Path binDir() {
    return binDir;
  }

  public boolean root() {
    return root;
  }

  /** The path of a tool, honouring {@code postgresql.bin_name}. */
  public String tool(String name) {
    return binDir.resolve(binName.getOrDefault(name, name)).toString();
  }

  /** A short-lived tool command, prefixed with {@code runuser -u postgres --} when running as root. */
  public List<String> asPostgres(List<String> command) {
    if (!root) {
      return command;
    }
    List<String> out = new ArrayList<>(List.of("runuser", "-u", OS_USER, "--"));
    out.addAll(command);
    return out;
  }

  /**
   * The postmaster command: {@code setsid} so that a terminal's Ctrl-C to the agent does not reach PostgreSQL
   * (Patroni also starts it in its own session), then {@code setpriv} when root. Both exec, so the started
   * process is the postmaster itself.
   */
  public List<String> postmaster(List<String> args) {
    List<String> out = new ArrayList<>();
    if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
      out.add("/usr/bin/setsid");
    }
    if (root) {
      out.addAll(List.of("setpriv", "--reuid=" + OS_USER, "--regid=" + OS_USER, "--init-groups", "--"));
    }
    out.add(tool("postgres"));
    out.addAll(args);
    return out;
  }

  /** Makes {@code path} owned by the postgres user (when root), keeping its mode. */
  public void chown(Path path) throws IOException {
    if (!root) {
      return;
    }
    UserPrincipalLookupService lookup = path.getFileSystem().getUserPrincipalLookupService();
    UserPrincipal user = lookup.lookupPrincipalByName(OS_USER);
    GroupPrincipal group = lookup.lookupPrincipalByGroupName(OS_USER);
    PosixFileAttributeView view = Files.getFileAttributeView(path, PosixFileAttributeView.class);
    view.setOwner(user);
    view.setGroup(group);
  }

  /** Creates {@code dir} (and parents) if needed with mode 0700 and postgres ownership. */
  public void createPrivateDirectory(Path dir) throws IOException {
    Files.createDirectories(dir);
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    chown(dir);
  }

  /** Writes a file owned by postgres with the given mode, replacing it atomically. */
  public void writeFile(Path file, String content, String mode) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, content);
    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString(mode));
    chown(tmp);
    Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }
}
