package io.vigil.ctl;

import io.vigil.ctl.command.DemoteClusterCommand;
import io.vigil.ctl.command.DsnCommand;
import io.vigil.ctl.command.EditConfigCommand;
import io.vigil.ctl.command.EventsCommand;
import io.vigil.ctl.command.FailoverCommand;
import io.vigil.ctl.command.FlushCommand;
import io.vigil.ctl.command.HistoryCommand;
import io.vigil.ctl.command.ListCommand;
import io.vigil.ctl.command.PauseCommand;
import io.vigil.ctl.command.PromoteClusterCommand;
import io.vigil.ctl.command.QueryCommand;
import io.vigil.ctl.command.ReinitCommand;
import io.vigil.ctl.command.ReloadCommand;
import io.vigil.ctl.command.RemoveCommand;
import io.vigil.ctl.command.RestartCommand;
import io.vigil.ctl.command.ResumeCommand;
import io.vigil.ctl.command.ShowConfigCommand;
import io.vigil.ctl.command.SwitchoverCommand;
import io.vigil.ctl.command.TopologyCommand;
import io.vigil.ctl.command.VersionCommand;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.logging.Level;
import java.util.logging.Logger;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code vigilctl}: patronictl for Vigil (and for Patroni clusters: it reads the same DCS layout and calls the
 * same REST API). Commands, options, prompts, tables and messages are patronictl 4.x's.
 *
 * <p>Exit codes: 0 on success; 1 with one line {@code Error: <reason>} on stderr when the command cannot be done
 * (DCS unreachable, unknown cluster or member, a refused confirmation, a REST call answered with an error, which
 * is also printed as patronictl prints it); 2 for a command line that does not parse.
 *
 * <p>Prompts follow the rule described in {@link Prompter}: answers are read line by line from stdin, and
 * without a terminal a prompt fails at once when stdin is at its end (never hangs); {@code --force} skips them.
 */
@Command(name = "vigilctl", mixinStandardHelpOptions = true, scope = CommandLine.ScopeType.INHERIT,
    versionProvider = VigilCtl.Version.class,
    description = "Command-line interface for interacting with Vigil (and Patroni) clusters.")
public final class VigilCtl implements Callable<Integer> {
  /**
   * The commands by name, in the order of the help listing. They are added when the command line is built rather
   * than declared on the annotation, so that a run naming one command builds only that one's model (see
   * {@link #commandLine}); the names are spelt out instead of read from each class's annotation because reading
   * annotations by reflection costs start-up time (VigilCtlParserTest checks that they match).
   */
  static final Map<String, Class<?>> COMMANDS = new LinkedHashMap<>();

  static {
    COMMANDS.put("list", ListCommand.class);
    COMMANDS.put("topology", TopologyCommand.class);
    COMMANDS.put("switchover", SwitchoverCommand.class);
    COMMANDS.put("failover", FailoverCommand.class);
    COMMANDS.put("restart", RestartCommand.class);
    COMMANDS.put("reload", ReloadCommand.class);
    COMMANDS.put("reinit", ReinitCommand.class);
    COMMANDS.put("pause", PauseCommand.class);
    COMMANDS.put("resume", ResumeCommand.class);
    COMMANDS.put("edit-config", EditConfigCommand.class);
    COMMANDS.put("show-config", ShowConfigCommand.class);
    COMMANDS.put("history", HistoryCommand.class);
    COMMANDS.put("query", QueryCommand.class);
    COMMANDS.put("remove", RemoveCommand.class);
    COMMANDS.put("dsn", DsnCommand.class);
    COMMANDS.put("flush", FlushCommand.class);
    COMMANDS.put("version", VersionCommand.class);
    COMMANDS.put("demote-cluster", DemoteClusterCommand.class);
    COMMANDS.put("promote-cluster", PromoteClusterCommand.class);
    COMMANDS.put("events", EventsCommand.class);
  }

  @Option(names = {"-c", "--config-file"}, paramLabel = "FILE",
      description = "Configuration file (env PATRONICTL_CONFIG_FILE, default ~/.config/patroni/patronictl.yaml)")
  String configFile;

  @Option(names = {"-d", "--dcs-url", "--dcs"}, paramLabel = "URL",
      description = "The DCS connect url, e.g. etcd3://127.0.0.1:2379 (env DCS_URL)")
  String dcsUrl;

  @Option(names = {"-k", "--insecure"}, description = "Allow connections to SSL sites without certs")
  boolean insecure;

  private final CtlSession session;
  /** Run once before the configuration is first loaded: nothing logs before that (see {@link #main}). */
  private Runnable beforeConfig;

  private VigilCtl(java.io.InputStream in, PrintStream out, PrintStream err, Map<String, String> env,
      boolean interactive, CtlSession.DcsOpener opener, Runnable beforeConfig) {
    this.session = new CtlSession(in, out, err, env, interactive, this::loadConfig, opener);
    this.beforeConfig = beforeConfig;
  }

  /** The invocation's session: streams, config, DCS and REST clients. */
  public CtlSession session() {
    return session;
  }

  private CtlConfig loadConfig() {
    if (beforeConfig != null) {
      Runnable once = beforeConfig;
      beforeConfig = null;
      once.run();
    }
    Map<String, String> env = session.env;
    String file = configFile != null ? configFile : env.get("PATRONICTL_CONFIG_FILE");
    Path defaultPath = CtlConfig.defaultPath(env);
    Path path = file != null && !file.isEmpty() ? Path.of(file) : defaultPath;
    String url = dcsUrl != null ? dcsUrl : emptyToNull(env.get("DCS_URL"));
    return CtlConfig.load(path, path.equals(defaultPath), url, insecure, env);
  }

  private static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }

  @Spec
  CommandSpec spec;

  /** No command: the usage, with the commands (this line was parsed with all of them, see {@link #commandLine}). */
  @Override
  public Integer call() {
    spec.commandLine().usage(session.out);
    return 0;
  }

  /**
   * The command line's entry point. Logging is set up only when the configuration is first loaded, which every
   * command that reaches a DCS, a member or PostgreSQL does first: {@code --help} and {@code version} never pay
   * for java.util.logging's start-up. The JVM exits as soon as the output is flushed and the clients are closed
   * ({@link CtlSession#close()} bounds the wait to 5 s per client).
   */
  public static void main(String[] args) {
    Map<String, String> env = System.getenv();
    int code = execute(args, System.in, System.out, System.err, env, stdinIsTerminal(), null,
        () -> configureLogging(env));
    System.exit(code);
  }

  /**
   * Whether stdin is a terminal, whatever stdout is ({@code vigilctl switchover | tee log} still waits for the
   * operator). Linux tells through /proc; elsewhere the console check (stdin and stdout) is the best guess.
   */
  static boolean stdinIsTerminal() {
    try {
      String target = java.nio.file.Files.readSymbolicLink(Path.of("/proc/self/fd/0")).toString();
      return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") || target.equals("/dev/console");
    } catch (java.io.IOException | UnsupportedOperationException | SecurityException e) {
      return System.console() != null;
    }
  }

  /**
   * Runs one vigilctl command line; stdin is treated as not a terminal (see {@link Prompter}).
   *
   * @return the exit code
   */
  public static int execute(String[] args, InputStream in, PrintStream out, PrintStream err, Map<String, String> env) {
    return execute(args, in, out, err, env, false, null);
  }

  /**
   * As {@link #execute(String[], InputStream, PrintStream, PrintStream, Map)}, saying whether stdin is a terminal,
   * and optionally with a DCS opener other than the plugins on the class path (tests).
   */
  public static int execute(String[] args, InputStream in, PrintStream out, PrintStream err, Map<String, String> env,
      boolean interactive, CtlSession.DcsOpener opener) {
    return execute(args, in, out, err, env, interactive, opener, null);
  }

  private static int execute(String[] args, InputStream in, PrintStream out, PrintStream err, Map<String, String> env,
      boolean interactive, CtlSession.DcsOpener opener, Runnable beforeConfig) {
    if (isBareVersion(args)) {
      // what VersionCommand prints without a cluster name, without building picocli's model for one line
      out.println("vigilctl version " + vigilVersion());
      out.flush();
      return 0;
    }
    if (isBareHelp(args)) {
      byte[] help = renderedHelp();
      if (help != null) {
        // picocli's own --help text, rendered at build time (VigilCtlParserTest keeps it equal to picocli's)
        out.write(help, 0, help.length);
        out.flush();
        return 0;
      }
    }
    VigilCtl root = new VigilCtl(in, out, err, env, interactive, opener, beforeConfig);
    CommandLine cmd = commandLine(root, args);
    cmd.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
    cmd.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
    cmd.setExecutionExceptionHandler(new ErrorLine(out, err));
    try {
      return cmd.execute(args);
    } finally {
      out.flush();
      root.session.close();
    }
  }

  /**
   * A failed command's one line on stderr and its exit code. A class rather than a lambda: picocli is compiled for
   * Java 5, so a lambda implementing one of its interfaces cannot be kept in the class data sharing archive and
   * would be spun up at run time.
   */
  private static final class ErrorLine implements CommandLine.IExecutionExceptionHandler {
    private final PrintStream out;
    private final PrintStream err;

    ErrorLine(PrintStream out, PrintStream err) {
      this.out = out;
      this.err = err;
    }

    @Override
    public int handleExecutionException(Exception ex, CommandLine commandLine, CommandLine.ParseResult parseResult) {
      out.flush();
      if (ex instanceof UsageException u) {
        err.println("Error: " + u.getMessage());
        return 2;
      }
      if (ex instanceof CtlException c) {
        err.println(c.getMessage().equals("Aborted!") ? "Aborted!" : "Error: " + c.getMessage());
        return 1;
      }
      err.println("Error: " + ex.getClass().getSimpleName() + ": " + CtlSession.oneLine(ex.getMessage()));
      return 1;
    }
  }

  /**
   * The parser for {@code args}: with only the command they name when that is certain; with every command's name
   * and description only when no command can run (help, usage errors); else with every command.
   * Building the model of all nineteen commands (every option of every command, read by reflection) is the
   * larger part of what picocli costs at start-up. A line that names one command parses and runs exactly as with
   * all of them; {@code --help}, no command or an unknown or misspelt one (whose error suggests the nearest
   * names) print only names and descriptions; a line with {@code --} or an {@code @file} gets the full set.
   */
  static CommandLine commandLine(VigilCtl root, String[] args) {
    CommandLine cmd = new CommandLine(root);
    String named = namedCommand(args);
    if (named != null) {
      cmd.addSubcommand(named, COMMANDS.get(named));
    } else if (noCommandCanRun(args)) {
      // help, a usage error or a misspelt command: only each command's name and description are shown
      for (Map.Entry<String, Class<?>> c : COMMANDS.entrySet()) {
        CommandSpec listed = CommandSpec.create();
        listed.usageMessage().description(c.getValue().getAnnotation(Command.class).description());
        cmd.addSubcommand(c.getKey(), listed);
      }
    } else {
      for (Map.Entry<String, Class<?>> c : COMMANDS.entrySet()) {
        cmd.addSubcommand(c.getKey(), c.getValue());
      }
    }
    return cmd;
  }

  /** No argument names a command, and no argument file could: picocli will not run a command of this line. */
  private static boolean noCommandCanRun(String[] args) {
    for (String a : args) {
      if (COMMANDS.containsKey(a) || a.startsWith("@")) {
        return false;
      }
    }
    return true;
  }

  /** The resource holding the text of a bare {@code --help}, as picocli renders it without colours. */
  static final String HELP_RESOURCE = "vigilctl-help.txt";

  /**
   * {@code --help} or {@code -h} alone, after global options only. Its text is fixed, so it is read from {@link #HELP_RESOURCE} instead of
   * being rendered by picocli from the commands' annotations at every run (README "vigilctl speed": the larger part
   * of {@code --help}'s start-up). Plain text, as patronictl's help: picocli would colour it on a terminal.
   */
  static boolean isBareHelp(String[] args) {
    int i = afterGlobalOptions(args);
    return i >= 0 && i == args.length - 1 && ("--help".equals(args[i]) || "-h".equals(args[i]));
  }

  /** The build-time text of a bare {@code --help}, null when the resource is missing (picocli renders it then). */
  static byte[] renderedHelp() {
    try (InputStream text = VigilCtl.class.getResourceAsStream(HELP_RESOURCE)) {
      return text == null ? null : text.readAllBytes();
    } catch (java.io.IOException e) {
      return null;
    }
  }

  /** What picocli prints for a bare {@code --help}, without colours: the source of {@link #HELP_RESOURCE}. */
  static String picocliHelp() {
    String[] help = {"--help"};
    VigilCtl root = new VigilCtl(InputStream.nullInputStream(), System.out, System.err, Map.of(), false, null, null);
    return commandLine(root, help).getUsageMessage(CommandLine.Help.Ansi.OFF);
  }

  /** {@code version} after the global options and nothing after it: vigilctl's own version, one line. */
  static boolean isBareVersion(String[] args) {
    return args.length > 0 && "version".equals(args[args.length - 1]) && "version".equals(namedCommand(args));
  }

  /**
   * The command named by {@code args} after the global options, or null when that is not certain: an unknown
   * option or command, a help or version flag, {@code --}, an argument file, or no command at all.
   */
  static String namedCommand(String[] args) {
    int i = afterGlobalOptions(args);
    return i >= 0 && i < args.length && COMMANDS.containsKey(args[i]) ? args[i] : null;
  }

  /**
   * The index of the first argument that is not a global option ({@code -c}, {@code -d}, {@code -k} and their long
   * forms, with their values); {@code args.length} when there is none; -1 at any other option.
   */
  private static int afterGlobalOptions(String[] args) {
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--config-file") || a.equals("--dcs-url") || a.equals("--dcs")) {
        i++;
      } else if (a.startsWith("--config-file=") || a.startsWith("--dcs-url=") || a.startsWith("--dcs=")
          || a.equals("--insecure")) {
        continue;
      } else if (a.startsWith("-") && !a.startsWith("--") && a.length() > 1) {
        // a cluster of short options: -k, or -c / -d with their value attached or in the next argument
        for (int j = 1; j < a.length(); j++) {
          char c = a.charAt(j);
          if (c == 'c' || c == 'd') {
            if (j == a.length() - 1) {
              i++;
            }
            break;
          }
          if (c != 'k') {
            return a.equals("-h") ? i : -1;
          }
        }
      } else {
        return i;
      }
    }
    return args.length;
  }

  /**
   * patronictl's logging: level from LOGLEVEL, PATRONI_LOGLEVEL or PATRONI_LOG_LEVEL, WARNING by default, lines
   * as {@code 2026-11-21 06:00:00,123 - WARNING - message}. Without an explicit level only Vigil's own
   * loggers speak: the DCS client libraries' retry and shutdown errors would bury the one-line reason vigilctl
   * prints when the DCS is down.
   */
  private static void configureLogging(Map<String, String> env) {
    String level = null;
    for (String name : new String[] {"LOGLEVEL", "PATRONI_LOGLEVEL", "PATRONI_LOG_LEVEL"}) {
      level = env.getOrDefault(name, level);
    }
    Level jul = level == null ? Level.WARNING : switch (level.toUpperCase(java.util.Locale.ROOT)) {
      case "DEBUG" -> Level.FINE;
      case "INFO" -> Level.INFO;
      case "ERROR", "CRITICAL" -> Level.SEVERE;
      default -> Level.WARNING;
    };
    Logger root = Logger.getLogger("");
    root.setLevel(level == null ? Level.OFF : jul);
    Logger.getLogger("io.vigil").setLevel(jul);
    for (var h : root.getHandlers()) {
      h.setLevel(jul);
      h.setFormatter(new PatroniCtlFormatter());
    }
  }

  /** {@code %(asctime)s - %(levelname)s - %(message)s}. */
  private static final class PatroniCtlFormatter extends java.util.logging.Formatter {
    private static final java.time.format.DateTimeFormatter TS =
        java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss,SSS");

    @Override
    public String format(java.util.logging.LogRecord r) {
      String level = r.getLevel() == Level.SEVERE ? "ERROR" : r.getLevel() == Level.WARNING ? "WARNING"
          : r.getLevel() == Level.INFO ? "INFO" : "DEBUG";
      String ts = TS.format(java.time.LocalDateTime.ofInstant(r.getInstant(), java.time.ZoneId.systemDefault()));
      return ts + " - " + level + " - " + formatMessage(r) + System.lineSeparator();
    }
  }

  /** {@code --version}: the Vigil version and the patronictl version it follows. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"vigilctl version " + vigilVersion()};
    }
  }

  /** The Vigil version from the build. */
  public static String vigilVersion() {
    Properties p = new Properties();
    try (InputStream is = VigilCtl.class.getResourceAsStream("/io/vigil/version.properties")) {
      if (is != null) {
        p.load(is);
      }
    } catch (java.io.IOException e) {
      // the version line is informational
    }
    return p.getProperty("vigil.version", "unknown");
  }
}
