package io.vigil.runtime;

import io.vigil.config.Settings;
import java.nio.file.Path;

/**
 * Runs the agent once its settings are loaded and logging is set up: deploys the verticles and blocks until
 * shutdown. Not wired yet; until it is, starting the agent fails loudly instead of pretending to run.
 */
public final class AgentRuntime {
  private AgentRuntime() {}

  /**
   * @param settings the validated local configuration
   * @param source the file or directory it came from (null: environment only), re-read on SIGHUP
   */
  public static void run(Settings settings, Path source) {
    throw new UnsupportedOperationException("the HA loop is not wired yet: vigil cannot run a node in this build");
  }
}
