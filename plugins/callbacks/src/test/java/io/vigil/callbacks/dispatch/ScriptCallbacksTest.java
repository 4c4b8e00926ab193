package io.vigil.callbacks.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.callbacks.ScriptAction;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real processes: kill-previous per slot, the process group, exit codes and the arguments a script receives. */
class ScriptCallbacksTest {
  @TempDir
  Path dir;

  private final List<ScriptSlot.Outcome> outcomes = new CopyOnWriteArrayList<>();

  private Path script(String name, String body) throws Exception {
    Path p = dir.resolve(name);
    Files.writeString(p, "#!/bin/sh\n" + body + "\n");
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    return p;
  }

  private ScriptCallbacks callbacks(Map<String, String> commands) {
    return new ScriptCallbacks("batman", commands, ScriptCallbacks.scriptEnvironment(System.getenv()), false,
        outcomes::add);
  }

  private static void await(BooleanSupplier condition, String what) {
    io.vigil.testing.Timing.until(what, Duration.ofSeconds(20), Duration.ofMillis(10),
        condition::getAsBoolean);
  }

  private List<ScriptSlot.Outcome.Finished> finished() {
    return outcomes.stream().filter(o -> o instanceof ScriptSlot.Outcome.Finished)
        .map(o -> (ScriptSlot.Outcome.Finished) o).toList();
  }

  @Test
  void theScriptReceivesActionRoleScopeAndItsExitCodeIsReported() throws Exception {
    Path log = dir.resolve("args");
    Path cb = script("cb.sh", "echo \"$@\" >> " + log + "\nexit 3");
    ScriptCallbacks scripts = callbacks(Map.of("on_role_change", cb.toString()));
    scripts.call(ScriptAction.ON_ROLE_CHANGE, "primary");
    await(() -> finished().size() == 1, "the script to end");
    assertEquals("on_role_change primary batman\n", Files.readString(log));
    ScriptSlot.Outcome.Finished f = finished().get(0);
    assertEquals(3, f.exitCode());
    assertFalse(f.killed());
    assertTrue(outcomes.get(0) instanceof ScriptSlot.Outcome.Started);
  }

  @Test
  void anActionWithoutAScriptRunsNothing() throws Exception {
    ScriptCallbacks scripts = callbacks(Map.of());
    scripts.call(ScriptAction.ON_START, "replica");
    Thread.sleep(200);
    assertEquals(List.of(), outcomes);
  }

  @Test
  void aNewCallbackKillsTheRunningOneAndItsWholeProcessGroup() throws Exception {
    Path childPid = dir.resolve("child.pid");
    // the script leaves a grandchild behind, as a careless script would
    Path slow = script("slow.sh", "sleep 300 &\necho $! > " + childPid + "\nwait");
    Path log = dir.resolve("args");
    Path fast = script("fast.sh", "echo \"$@\" >> " + log);
    ScriptCallbacks scripts = callbacks(Map.of("on_stop", slow.toString(), "on_role_change", fast.toString()));
    scripts.call(ScriptAction.ON_STOP, "primary");
    await(() -> Files.exists(childPid) && !readQuietly(childPid).isBlank(), "the slow script's child");
    long child = Long.parseLong(readQuietly(childPid).trim());
    assertTrue(ProcessHandle.of(child).map(ProcessHandle::isAlive).orElse(false));

    scripts.call(ScriptAction.ON_ROLE_CHANGE, "replica");
    await(() -> finished().size() == 2, "both scripts to end");
    ScriptSlot.Outcome.Finished killed = finished().get(0);
    assertEquals(ScriptAction.ON_STOP, killed.action());
    assertTrue(killed.killed());
    assertFalse(finished().get(1).killed());
    assertEquals("on_role_change replica batman\n", Files.readString(log));
    await(() -> ProcessHandle.of(child).map(h -> !h.isAlive()).orElse(true), "the grandchild to be killed");
  }

  @Test
  void onReloadHasItsOwnSlot() throws Exception {
    Path started = dir.resolve("started");
    Path slow = script("slow.sh", "touch " + started + "\nsleep 300");
    Path reload = script("reload.sh", "exit 0");
    ScriptCallbacks scripts = callbacks(Map.of("on_start", slow.toString(), "on_reload", reload.toString(),
        "on_stop", reload.toString()));
    scripts.call(ScriptAction.ON_START, "replica");
    await(() -> Files.exists(started), "on_start to run");
    scripts.call(ScriptAction.ON_RELOAD, "replica");
    await(() -> finished().size() == 1, "on_reload to end");
    assertEquals(ScriptAction.ON_RELOAD, finished().get(0).action());
    assertTrue(scripts.slot(ScriptAction.ON_START).busy(), "on_reload must not kill on_start");
    // on_stop shares on_start's slot: it replaces it
    scripts.call(ScriptAction.ON_STOP, "replica");
    await(() -> finished().stream().anyMatch(f -> f.action() == ScriptAction.ON_START && f.killed()),
        "on_stop to replace on_start");
  }

  @Test
  void aReloadSwitchesToTheNewCommands() throws Exception {
    Path a = dir.resolve("a");
    Path b = dir.resolve("b");
    ScriptCallbacks scripts = callbacks(Map.of("on_start", script("a.sh", "touch " + a).toString()));
    scripts.setCommands(Map.of("on_start", script("b.sh", "touch " + b).toString()));
    scripts.call(ScriptAction.ON_START, "replica");
    await(() -> finished().size() == 1, "the script to end");
    assertTrue(Files.exists(b));
    assertFalse(Files.exists(a));
  }

  private static String readQuietly(Path p) {
    try {
      return Files.readString(p);
    } catch (java.io.IOException e) {
      return "";
    }
  }
}
