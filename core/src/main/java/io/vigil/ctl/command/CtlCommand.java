package io.vigil.ctl.command;

import io.vigil.cluster.Member;
import io.vigil.ctl.CtlException;
import io.vigil.ctl.CtlSession;
import io.vigil.ctl.PatroniClient;
import io.vigil.ctl.TableOutput;
import io.vigil.ctl.UsageException;
import io.vigil.ctl.VigilCtl;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ParentCommand;

/** What every vigilctl command shares: the session of the invocation and a few checks. */
public abstract class CtlCommand implements Callable<Integer> {
  @ParentCommand
  VigilCtl root;

  @Override
  public final Integer call() throws Exception {
    return run(root.session());
  }

  /** @return the exit code */
  protected abstract int run(CtlSession s) throws Exception;

  static String checkFormat(String fmt) {
    if (!TableOutput.FORMATS.contains(fmt)) {
      throw new UsageException("Invalid value for '--format' / '-f': '" + fmt
          + "' is not one of 'pretty', 'tsv', 'json', 'yaml', 'yml'.");
    }
    return fmt;
  }

  /** Citus groups are not part of Vigil: refuse {@code --group} rather than ignore it. */
  static void checkNoGroup(Integer group) {
    if (group != null) {
      throw new CtlException("--group (Citus) is not supported by vigilctl");
    }
  }

  /** A REST call whose failure to connect ends the command with one line. */
  static PatroniClient.Response call(CtlSession s, Member m, String method, String endpoint, Map<String, Object> body) {
    try {
      return s.rest().request(m, method, endpoint, body);
    } catch (IOException e) {
      throw new CtlException("could not reach member " + m.name() + " at " + PatroniClient.url(m, endpoint) + ": "
          + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()), e);
    }
  }

  /** patronictl's {@code watching}: once, or every {@code watch} seconds (2 with -W) until interrupted. */
  static void watching(CtlSession s, boolean w, Double watch, boolean clear, Runnable body) throws InterruptedException {
    double period = watch != null ? watch : w ? 2 : 0;
    boolean clearScreen = period > 0 && clear && s.interactive;
    while (true) {
      long started = System.nanoTime();
      if (clearScreen) {
        s.out.print("\033[2J\033[1;1H");
      }
      body.run();
      s.out.flush();
      if (period <= 0) {
        return;
      }
      long elapsedMs = (System.nanoTime() - started) / 1_000_000;
      Thread.sleep(Math.max(0, (long) (period * 1000) - elapsedMs));
    }
  }
}
