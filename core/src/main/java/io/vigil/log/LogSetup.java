package io.vigil.log;

import io.vigil.config.LogSettings;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Configures java.util.logging (where SLF4J is routed by slf4j-jdk14) the way Patroni configures Python's
 * logging from {@code log:}: plain or JSON lines on stderr, or rotating {@code patroni.log} files under
 * {@code log.dir}; the root level; per-logger levels from {@code log.loggers}; and the chatty network and
 * ZooKeeper libraries held at WARNING unless a logger entry says otherwise. Every library logs through the same
 * handler and formatter as the agent (JUL directly, SLF4J through slf4j-jdk14, the one SLF4J provider in the
 * shaded jar), one line per record unless the level is DEBUG ({@link Tracebacks}, {@link LibraryRecords}).
 */
public final class LogSetup {
  /** Library loggers that flood INFO/DEBUG with connection chatter. */
  public static final List<String> QUIET_LIBRARIES = List.of("io.netty", "io.grpc", "org.apache.zookeeper", "org.apache.curator");

  /**
   * jetcd warns twice for every failed attempt of its internal retry ("retry failure", "maximum number of auto
   * retries reached", every 200 ms while etcd is down); the etcd plugin reports the failed call itself, once.
   * Below DEBUG only its errors are printed.
   */
  public static final String JETCD = "io.etcd.jetcd";

  /** JUL keeps loggers weakly; a level set on a collected logger would be lost. */
  private static final List<Logger> CONFIGURED = new ArrayList<>();

  private LogSetup() {}

  /** Before the configuration is read: Patroni's default format on stderr, level from the environment. */
  public static synchronized void configureDefaults(Map<String, String> environment) {
    String level = environment.get("PATRONI_LOG_LEVEL");
    if (level == null || level.isEmpty()) {
      level = environment.get("PATRONI_LOGLEVEL");
    }
    Level root = LogLevels.toJul(level);
    Handler handler = new StderrHandler(System.err);
    // Patroni's default traceback_level is ERROR
    handler.setFormatter(new PatroniFormatter(PatroniFormatter.DEFAULT_FORMAT, null,
        Tracebacks.forLevels(root, Level.SEVERE), ZoneId.systemDefault()));
    install(List.of(handler), root, Map.of());
  }

  /**
   * Applies {@code log:}.
   *
   * @throws UncheckedIOException when {@code log.dir} cannot be created or written
   */
  public static synchronized void configure(LogSettings settings, String scope, String member) {
    Level root = LogLevels.toJul(settings.level());
    Tracebacks tracebacks = Tracebacks.forLevels(root, LogLevels.toJul(settings.tracebackLevel()));
    Formatter formatter = "json".equals(settings.type())
        ? new JsonLogFormatter(scope, member, settings.staticFields(), settings.dateformat(), tracebacks, ZoneId.systemDefault())
        : new PatroniFormatter(settings.format(), settings.dateformat(), tracebacks, ZoneId.systemDefault());
    Handler handler;
    if (settings.dir() != null) {
      Path file = Path.of(settings.dir(), "patroni.log");
      try {
        handler = new RotatingFileHandler(file, settings.fileSize(), settings.fileNum());
      } catch (IOException e) {
        throw new UncheckedIOException("cannot open log file " + file + ": " + e.getMessage(), e);
      }
    } else {
      handler = new StderrHandler(System.err);
    }
    handler.setFormatter(formatter);
    install(List.of(handler), root, settings.loggers() == null ? Map.of() : settings.loggers());
  }

  private static void install(List<Handler> handlers, Level rootLevel, Map<String, String> loggers) {
    Logger root = Logger.getLogger("");
    for (Handler old : root.getHandlers()) {
      root.removeHandler(old);
      old.close();
    }
    for (Logger l : CONFIGURED) {
      l.setLevel(null);
    }
    CONFIGURED.clear();
    for (Handler h : handlers) {
      h.setLevel(Level.ALL);
      root.addHandler(h);
    }
    root.setLevel(rootLevel);
    for (String library : QUIET_LIBRARIES) {
      if (!loggers.containsKey(library)) {
        setLevel(library, Level.WARNING);
      }
    }
    if (!loggers.containsKey(JETCD)) {
      setLevel(JETCD, rootLevel.intValue() <= Level.FINE.intValue() ? Level.WARNING : Level.SEVERE);
    }
    loggers.forEach((name, level) -> setLevel(name, LogLevels.toJul(level)));
  }

  private static void setLevel(String name, Level level) {
    Logger logger = Logger.getLogger(name);
    logger.setLevel(level);
    CONFIGURED.add(logger);
  }

  /** Writes to stderr and flushes every line, so that lines are not lost when the process dies. */
  private static final class StderrHandler extends Handler {
    private final PrintStream out;

    StderrHandler(PrintStream out) {
      this.out = out;
    }

    @Override
    public void publish(LogRecord record) {
      if (!isLoggable(record)) {
        return;
      }
      String line;
      try {
        line = getFormatter().format(record);
      } catch (RuntimeException e) {
        reportError("cannot format log record", e, java.util.logging.ErrorManager.FORMAT_FAILURE);
        return;
      }
      synchronized (this) {
        out.print(line);
        out.flush();
      }
    }

    @Override
    public void flush() {
      out.flush();
    }

    @Override
    public void close() {
      out.flush();
    }
  }
}
