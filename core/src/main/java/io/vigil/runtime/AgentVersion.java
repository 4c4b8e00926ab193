package io.vigil.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** Vigil's version and the Patroni version whose contracts it keeps, from the build. */
public final class AgentVersion {
  private static final Properties PROPS = load();

  private AgentVersion() {}

  public static String vigilVersion() {
    return PROPS.getProperty("vigil.version", "unknown");
  }

  public static String patroniVersion() {
    return PROPS.getProperty("patroni.version", "4.0.4");
  }

  private static Properties load() {
    Properties p = new Properties();
    try (InputStream in = AgentVersion.class.getResourceAsStream("/io/vigil/version.properties")) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      // the defaults above stand in for a jar built without resources
    }
    return p;
  }
}
