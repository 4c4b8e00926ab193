package io.vigil.callbacks.dispatch;

import io.vigil.callbacks.VigilCallback;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds {@link VigilCallback} plugins with ServiceLoader: on the agent's class path, then in each {@code *.jar} of
 * {@code callbacks.plugin_dir}, every jar with a class loader of its own. A jar or a plugin that fails to load is
 * named in the log and left out; the agent starts without it.
 */
final class PluginLoader {
  private static final Logger LOG = LoggerFactory.getLogger(PluginLoader.class);

  /** A loaded plugin and where it came from (class path, or a jar's path). */
  record Loaded(VigilCallback plugin, String origin) {}

  private PluginLoader() {}

  static List<Loaded> load(ClassLoader agent, Path pluginDir) {
    List<Loaded> out = new ArrayList<>();
    collect(ServiceLoader.load(VigilCallback.class, agent), null, "class path", out);
    if (pluginDir == null) {
      return out;
    }
    List<Path> jars;
    try (Stream<Path> files = Files.list(pluginDir)) {
      jars = files.filter(p -> p.getFileName().toString().endsWith(".jar")).sorted().toList();
    } catch (IOException e) {
      LOG.error("callbacks.plugin_dir: cannot list {}: {}; no plugin loaded from it", pluginDir, e.getMessage());
      return out;
    }
    for (Path jar : jars) {
      try (java.util.jar.JarFile check = new java.util.jar.JarFile(jar.toFile())) {
        check.size();
      } catch (IOException | SecurityException e) {
        LOG.error("callback plugin jar {} cannot be read, left out: {}", jar, e.getMessage());
        continue;
      }
      URLClassLoader loader;
      try {
        loader = new URLClassLoader("callback-plugin:" + jar.getFileName(), new URL[] {jar.toUri().toURL()}, agent);
      } catch (MalformedURLException e) {
        LOG.error("callback plugin jar {} cannot be loaded: {}", jar, e.getMessage());
        continue;
      }
      int before = out.size();
      boolean clean = collect(ServiceLoader.load(VigilCallback.class, loader), loader, jar.toString(), out);
      if (clean && out.size() == before) {
        LOG.warn("callback plugin jar {} provides no io.vigil.callbacks.VigilCallback (META-INF/services)", jar);
      }
    }
    return out;
  }

  /**
   * Adds each provider that loads; with {@code only} set, only the classes that loader defined (not its parent's).
   * False when one failed.
   */
  private static boolean collect(ServiceLoader<VigilCallback> services, ClassLoader only, String origin,
      List<Loaded> out) {
    Iterator<VigilCallback> it = services.iterator();
    boolean clean = true;
    while (true) {
      try {
        if (!it.hasNext()) {
          return clean;
        }
        VigilCallback plugin = it.next();
        if (only != null && plugin.getClass().getClassLoader() != only) {
          continue;
        }
        String name = plugin.name();
        LOG.info("callback plugin {} ({}) loaded from {}", name, plugin.getClass().getName(), origin);
        out.add(new Loaded(plugin, origin));
      } catch (ServiceConfigurationError | LinkageError | RuntimeException e) {
        clean = false;
        LOG.error("callback plugin from {} failed to load, left out: {}", origin, describe(e));
        if (e instanceof ServiceConfigurationError && e.getMessage() != null
            && e.getMessage().contains("Error reading configuration file")) {
          return false;
        }
      }
    }
  }

  private static String describe(Throwable e) {
    StringBuilder sb = new StringBuilder(String.valueOf(e.getMessage()));
    for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
      sb.append(": ").append(c);
    }
    return sb.toString();
  }
}
