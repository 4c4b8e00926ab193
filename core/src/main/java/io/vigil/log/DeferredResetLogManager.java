package io.vigil.log;

import java.util.logging.LogManager;

/**
 * java.util.logging's own shutdown hook resets the LogManager, closing every handler while the agent is still
 * stopping PostgreSQL and releasing the leader key, so the most interesting lines of a shutdown were lost. The
 * launcher installs this manager ({@code -Djava.util.logging.manager=io.vigil.log.DeferredResetLogManager}); its
 * reset waits until {@link #finish()} says the agent is done.
 */
public final class DeferredResetLogManager extends LogManager {
  private static volatile boolean finished;

  @Override
  public void reset() {
    if (finished) {
      super.reset();
    }
  }

  /** The agent has stopped: logging may now be torn down. */
  public static void finish() {
    finished = true;
    if (LogManager.getLogManager() instanceof DeferredResetLogManager m) {
      m.reset();
    }
  }
}
