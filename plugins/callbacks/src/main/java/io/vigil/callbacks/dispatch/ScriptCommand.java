package io.vigil.callbacks.dispatch;

import io.vigil.callbacks.ScriptAction;
import io.vigil.postgres.CommandLine;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line of one script callback: the configured command split like Python's {@code shlex.split}, then
 * Patroni's three arguments {@code <action> <role> <scope>} (patroni/postgresql/__init__.py {@code call_nowait}).
 * Wrapped in {@code setsid} so that the script leads a process group of its own (a later callback kills the whole
 * group), and in {@code runuser -u postgres} when the agent runs as root, as PostgreSQL's own tools are.
 */
record ScriptCommand(List<String> script, List<String> argv) {

  static final String OS_USER = "postgres";
  static final String SETSID = "/usr/bin/setsid";

  /**
   * @param role Patroni's role name; {@code promoted} is passed as {@code primary}, as Patroni does
   * @param asPostgres prefix {@code runuser -u postgres --} (the agent runs as root)
   * @param setsid prefix {@code setsid} (present on the machine)
   */
  static ScriptCommand of(String command, ScriptAction action, String role, String scope, boolean asPostgres,
      boolean setsid) {
    List<String> script = new ArrayList<>(CommandLine.split(command));
    script.add(action.patroniName());
    script.add("promoted".equals(role) ? "primary" : role);
    script.add(scope);
    List<String> argv = new ArrayList<>();
    if (setsid) {
      argv.add(SETSID);
    }
    if (asPostgres) {
      argv.addAll(List.of("runuser", "-u", OS_USER, "--"));
    }
    argv.addAll(script);
    return new ScriptCommand(List.copyOf(script), List.copyOf(argv));
  }

  /** The script and its arguments as the operator reads them in the log. */
  String shown() {
    return String.join(" ", script);
  }
}
