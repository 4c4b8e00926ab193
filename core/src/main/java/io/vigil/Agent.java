package io.vigil;

import io.vigil.config.Settings;
import io.vigil.config.SettingsError;
import io.vigil.config.SettingsLoader;
import io.vigil.dcs.DcsFactory;
import io.vigil.dcs.DcsPlugins;
import io.vigil.log.LogSetup;
import io.vigil.runtime.AgentRuntime;
import io.vigil.runtime.AgentVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The {@code vigil} command: {@code vigil [CONFIG_FILE|DIR]} runs a node, like {@code patroni}. Exit codes:
 * 0 success, 1 invalid configuration or a failure at run time, 2 bad command line.
 */
@Command(
    name = "vigil",
    mixinStandardHelpOptions = true,
    versionProvider = Agent.Version.class,
    sortOptions = false,
    description = "PostgreSQL high-availability agent, compatible with Patroni.%n"
        + "Without CONFIG_FILE the configuration is read from PATRONI_CONFIGURATION or PATRONI_* variables.")
public final class Agent implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(Agent.class);

  @Parameters(index = "0", arity = "0..1", paramLabel = "CONFIG_FILE|DIR",
      description = "YAML configuration file, or a directory of *.yml/*.yaml files merged in sorted order")
  Path config;

  @Option(names = "--validate-config", description = "Check the configuration, print every problem and exit")
  boolean validateConfig;

  @Option(names = "--generate-sample-config",
      description = "Write a sample configuration to CONFIG_FILE (or standard output) and exit")
  boolean generateSampleConfig;

  private final Map<String, String> environment;
  private final PrintWriter out;
  private final PrintWriter err;

  private Agent(Map<String, String> environment, PrintWriter out, PrintWriter err) {
    this.environment = environment;
    this.out = out;
    this.err = err;
  }

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs the command with the process environment and standard streams; returns the exit code. */
  public static int execute(String... args) {
    PrintWriter out = new PrintWriter(System.out, true, java.nio.charset.Charset.defaultCharset());
    PrintWriter err = new PrintWriter(System.err, true, java.nio.charset.Charset.defaultCharset());
    return execute(System.getenv(), out, err, args);
  }

  /** Runs the command in-process with the given environment and streams; returns the exit code. */
  public static int execute(Map<String, String> environment, PrintWriter out, PrintWriter err, String... args) {
    Agent agent = new Agent(environment, out, err);
    int code;
    if (agent.takePlainRun(args)) {
      code = agent.call();
    } else {
      CommandLine cmd = new CommandLine(agent);
      cmd.setOut(out);
      cmd.setErr(err);
      code = cmd.execute(args);
    }
    out.flush();
    err.flush();
    return code;
  }

  /**
   * {@code vigil} or {@code vigil CONFIG}, the way every node starts, needs no parser: building picocli's model
   * (annotations read by reflection) delayed every agent's REST API by about 40 ms (README "Footprint"). Whatever else, or an argument picocli would read differently (an option, an
   * {@code @file} argument file, a path this file system cannot name), goes through picocli as before.
   */
  private boolean takePlainRun(String... args) {
    if (args.length > 1 || args.length == 1 && (args[0].isEmpty() || args[0].startsWith("-")
        || args[0].startsWith("@"))) {
      return false;
    }
    try {
      config = args.length == 0 ? null : Path.of(args[0]);
      return true;
    } catch (java.nio.file.InvalidPathException e) {
      return false;
    }
  }

  @Override
  public Integer call() {
    if (generateSampleConfig) {
      return generateSample();
    }
    if (validateConfig) {
      return validate();
    }
    return runNode();
  }

  private int validate() {
    SettingsLoader.Loaded loaded = load();
    if (loaded == null) {
      return 1;
    }
    Optional<DcsFactory> plugin = DcsPlugins.find(loaded.settings().dcs().kind());
    if (plugin.isEmpty()) {
      // the check still tells what it can; the node itself would refuse to start
      err.println("WARNING: " + DcsPlugins.missingPluginMessage(loaded.settings().dcs().kind()));
      return 0;
    }
    return pluginProblems(loaded.settings(), plugin.get()) ? 1 : 0;
  }

  /** Loads and prints warnings and problems; null when the configuration is invalid. */
  private SettingsLoader.Loaded load() {
    try {
      SettingsLoader.Loaded loaded = SettingsLoader.load(config, environment);
      loaded.warnings().forEach(w -> err.println("WARNING: " + w));
      return loaded;
    } catch (SettingsError e) {
      e.warnings().forEach(w -> err.println("WARNING: " + w));
      e.problems().forEach(err::println);
      return null;
    }
  }

  /** Prints the plugin's own problems with its section, prefixed like the loader's lines; true if any. */
  private boolean pluginProblems(Settings settings, DcsFactory plugin) {
    List<String> problems = plugin.validate(settings.dcs());
    String origin = settings.source() == null ? "environment" : settings.source().toString();
    problems.forEach(p -> err.println(origin + ": " + p));
    return !problems.isEmpty();
  }

  private int runNode() {
    LogSetup.configureDefaults(environment);
    SettingsLoader.Loaded loaded = load();
    if (loaded == null) {
      err.println("vigil: refusing to start with an invalid configuration");
      return 1;
    }
    Settings settings = loaded.settings();
    Optional<DcsFactory> plugin = DcsPlugins.find(settings.dcs().kind());
    if (plugin.isEmpty()) {
      err.println("vigil: " + DcsPlugins.missingPluginMessage(settings.dcs().kind()));
      return 1;
    }
    if (pluginProblems(settings, plugin.get())) {
      err.println("vigil: refusing to start with an invalid configuration");
      return 1;
    }
    try {
      LogSetup.configure(settings.log(), settings.scope(), settings.name());
    } catch (RuntimeException e) {
      err.println("vigil: " + e.getMessage());
      return 1;
    }
    try {
      return AgentRuntime.run(settings);
    } catch (RuntimeException e) {
      LOG.error("vigil stopped: {}", e.getMessage(), e);
      return 1;
    }
  }

  private int generateSample() {
    String sample;
    try (InputStream in = Agent.class.getResourceAsStream("sample-config.yml")) {
      if (in == null) {
        err.println("vigil: the sample configuration is missing from this build");
        return 1;
      }
      sample = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      err.println("vigil: cannot read the sample configuration: " + e.getMessage());
      return 1;
    }
    if (config == null) {
      out.print(sample);
      return 0;
    }
    try {
      Files.writeString(config, sample);
      return 0;
    } catch (IOException e) {
      err.println("vigil: cannot write " + config + ": " + e.getMessage());
      return 1;
    }
  }

  /** {@code vigil 0.1.0-SNAPSHOT (compatible with Patroni 4.0.4)}, from the Maven-filtered properties. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {
        "vigil " + AgentVersion.vigilVersion() + " (compatible with Patroni " + AgentVersion.patroniVersion() + ")"
      };
    }
  }
}
