package io.vigil.ctl.command;

import io.vigil.patroni.ConfigPatch;
import io.vigil.ctl.CtlText;
import io.vigil.cluster.Cluster;
import io.vigil.ctl.ConfigEdits;
import io.vigil.ctl.CtlException;
import io.vigil.ctl.CtlSession;
import io.vigil.ctl.UnifiedDiff;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code edit-config [CLUSTER] [-q] [-s k.path=v]... [-p guc=v]... [--apply FILE|-] [--replace FILE|-] [--force]}:
 * edits {@code /config} as YAML, shows the unified diff, asks, and writes it with compare-and-set on the version
 * that was read, so that a concurrent change is never overwritten.
 */
@Command(name = "edit-config", description = "Edit cluster configuration")
public final class EditConfigCommand extends CtlCommand {
  @Parameters(paramLabel = "CLUSTER_NAME", arity = "0..1")
  String clusterName;

  @Option(names = "--group", description = "Citus group (not supported)")
  Integer group;

  @Option(names = {"-q", "--quiet"}, description = "Do not show changes")
  boolean quiet;

  @Option(names = {"-s", "--set"}, description = "Set specific configuration value. Can be specified multiple times")
  List<String> kvpairs = new ArrayList<>();

  @Option(names = {"-p", "--pg"}, description = "Set specific PostgreSQL parameter value. Shorthand for"
      + " -s postgresql.parameters. Can be specified multiple times")
  List<String> pgkvpairs = new ArrayList<>();

  @Option(names = "--apply", paramLabel = "FILE", description = "Apply configuration from file. Use - for stdin.")
  String applyFilename;

  @Option(names = "--replace", paramLabel = "FILE",
      description = "Apply configuration from file, replacing existing configuration. Use - for stdin.")
  String replaceFilename;

  @Option(names = "--force", description = "Do not ask for confirmation at any point")
  boolean force;

  @Override
  protected int run(CtlSession s) throws IOException, InterruptedException {
    checkNoGroup(group);
    String name = s.clusterName(clusterName);
    Cluster cluster = s.cluster(name);
    if (cluster.config() == null) {
      throw new CtlException("The config key does not exist in the cluster " + name);
    }
    Map<String, Object> current = cluster.config().data();
    String before = ConfigEdits.format(current);
    ConfigEdits.Result result = null;
    Map<String, Object> changed = current;
    if (replaceFilename != null) {
      result = ConfigEdits.replace(CtlText.loadYaml(read(s, replaceFilename)));
      changed = result.data();
    }
    if (applyFilename != null) {
      result = ConfigEdits.apply(changed, CtlText.loadYaml(read(s, applyFilename)));
      changed = result.data();
    }
    if (!kvpairs.isEmpty() || !pgkvpairs.isEmpty()) {
      List<String> all = new ArrayList<>(kvpairs);
      all.addAll(ConfigEdits.pgPairs(pgkvpairs));
      result = ConfigEdits.set(changed, all);
      changed = result.data();
    }
    String after;
    if (result == null) {
      after = invokeEditor(s, before, name);
      Object edited = CtlText.loadYaml(after);
      if (edited != null && !(edited instanceof Map)) {
        throw new CtlException("the edited configuration is not a YAML mapping");
      }
      @SuppressWarnings("unchecked")
      Map<String, Object> editedMap = edited == null ? Map.of() : (Map<String, Object>) edited;
      changed = editedMap;
    } else {
      after = result.text();
    }
    if (ConfigPatch.pyEquals(current, changed)) {
      if (!quiet) {
        s.out.println("Not changed");
      }
      return 0;
    }
    if (!quiet) {
      UnifiedDiff.diff(before, after).forEach(s.out::println);
    }
    if (("-".equals(applyFilename) || "-".equals(replaceFilename)) && !force) {
      s.out.println("Use --force option to apply changes");
      return 0;
    }
    if (force || s.prompter.confirm("Apply these changes?")) {
      boolean written = s.await(s.dcs(name).writeConfig(changed, cluster.config().version()),
          "write the configuration of cluster " + name);
      if (!written) {
        throw new CtlException("Config modification aborted due to concurrent changes");
      }
      s.out.println("Configuration changed");
    }
    return 0;
  }

  private static String read(CtlSession s, String filename) throws IOException {
    if (filename.equals("-")) {
      return s.prompter.readAll();
    }
    return Files.readString(Path.of(filename), StandardCharsets.UTF_8);
  }

  /** $EDITOR, else {@code editor} or {@code vi} on the PATH, on a temporary copy. */
  private static String invokeEditor(CtlSession s, String before, String clusterName)
      throws IOException, InterruptedException {
    String editor = s.env.get("EDITOR");
    if (editor == null || editor.isEmpty()) {
      editor = findOnPath(s.env.get("PATH"), "editor", "vi");
    }
    if (editor == null) {
      throw new CtlException("EDITOR environment variable is not set. editor or vi are not available");
    }
    Path tmp = Files.createTempFile(clusterName.replace('/', '_') + "-config-", ".yaml");
    try {
      Files.writeString(tmp, before, StandardCharsets.UTF_8);
      int rc = new ProcessBuilder(editor, tmp.toString()).inheritIO().start().waitFor();
      if (rc != 0) {
        throw new CtlException("Editor exited with return code " + rc);
      }
      return Files.readString(tmp, StandardCharsets.UTF_8);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private static String findOnPath(String path, String... names) {
    if (path == null) {
      return null;
    }
    for (String name : names) {
      for (String dir : path.split(File.pathSeparator)) {
        Path p = Path.of(dir, name);
        if (Files.isExecutable(p)) {
          return p.toString();
        }
      }
    }
    return null;
  }
}
