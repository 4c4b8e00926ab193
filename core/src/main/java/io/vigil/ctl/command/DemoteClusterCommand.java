package io.vigil.ctl.command;

import io.vigil.ctl.CtlException;
import io.vigil.ctl.CtlSession;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code demote-cluster [CLUSTER] (--host H | --port P | --restore-command C) [--primary-slot-name S] [--force]}. */
@Command(name = "demote-cluster", description = "Demote cluster to a standby cluster")
public final class DemoteClusterCommand extends CtlCommand {
  @Parameters(paramLabel = "CLUSTER_NAME", arity = "0..1")
  String clusterName;

  @Option(names = "--force", description = "Do not ask for confirmation at any point")
  boolean force;

  @Option(names = "--host", description = "Address of the remote node")
  String host;

  @Option(names = "--port", description = "Port of the remote node")
  Integer port;

  @Option(names = "--restore-command", description = "Command to restore WAL records from the remote primary")
  String restoreCommand;

  @Option(names = "--primary-slot-name", description = "Name of the slot on the remote node to use for replication")
  String primarySlotName;

  @Override
  protected int run(CtlSession s) throws InterruptedException {
    if ((host == null || host.isEmpty()) && (port == null || port == 0)
        && (restoreCommand == null || restoreCommand.isEmpty())) {
      throw new CtlException("At least --host, --port or --restore-command should be specified");
    }
    Map<String, Object> data = new LinkedHashMap<>();
    putIfSet(data, "host", host);
    putIfSet(data, "port", port != null && port != 0 ? port : null);
    putIfSet(data, "primary_slot_name", primarySlotName);
    putIfSet(data, "restore_command", restoreCommand);
    return ClusterRoles.change(s, clusterName, force, data);
  }

  private static void putIfSet(Map<String, Object> data, String key, Object value) {
    if (value != null && !"".equals(value)) {
      data.put(key, value);
    }
  }
}
