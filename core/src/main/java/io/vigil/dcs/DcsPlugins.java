package io.vigil.dcs;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.ServiceLoader;
import java.util.TreeMap;

/** Finds DCS plugins on the class path with ServiceLoader. */
public final class DcsPlugins {
  private static final Map<String, String> MODULES =
      Map.of("etcd3", "plugins/dcs-etcd", "zookeeper", "plugins/dcs-zookeeper", "consul", "plugins/dcs-consul");

  private DcsPlugins() {}

  public static Map<String, DcsFactory> available() {
    Map<String, DcsFactory> found = new TreeMap<>();
    for (DcsFactory f : ServiceLoader.load(DcsFactory.class)) {
      found.put(f.name(), f);
    }
    return found;
  }

  public static Optional<DcsFactory> find(String section) {
    return Optional.ofNullable(available().get(section));
  }

  /** The keys the loaded plugin for {@code section} knows; empty when no plugin serves that section. */
  public static Optional<Set<String>> configKeys(String section) {
    return find(section).map(DcsFactory::configKeys);
  }

  /** The error text for a configured section whose plugin is missing. */
  public static String missingPluginMessage(String section) {
    String module = MODULES.getOrDefault(section, "a plugin providing '" + section + "'");
    return "no DCS plugin for section '" + section + "' on the class path (module " + module
        + "); available: " + available().keySet();
  }
}
