package io.vigil.callbacks.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vigil.callbacks.ScriptAction;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScriptCommandTest {

  @Test
  void appendsActionRoleAndScopeAfterTheSplitCommand() {
    ScriptCommand c = ScriptCommand.of("/usr/local/bin/cb.sh --flag 'two words'", ScriptAction.ON_ROLE_CHANGE,
        "replica", "batman", false, false);
    assertEquals(List.of("/usr/local/bin/cb.sh", "--flag", "two words", "on_role_change", "replica", "batman"),
        c.argv());
    assertEquals(c.script(), c.argv());
  }

  @Test
  void promotedIsPassedAsPrimaryAsPatroniDoes() {
    ScriptCommand c = ScriptCommand.of("cb", ScriptAction.ON_START, "promoted", "s", false, false);
    assertEquals(List.of("cb", "on_start", "primary", "s"), c.argv());
  }

  @Test
  void setsidAndRunuserWrapTheScriptButNotItsShownForm() {
    ScriptCommand c = ScriptCommand.of("/x/cb.sh", ScriptAction.ON_STOP, "primary", "s", true, true);
    assertEquals(List.of("/usr/bin/setsid", "runuser", "-u", "postgres", "--", "/x/cb.sh", "on_stop", "primary", "s"),
        c.argv());
    assertEquals("/x/cb.sh on_stop primary s", c.shown());
  }

  @Test
  void anUnterminatedQuoteIsRefused() {
    assertThrows(IllegalArgumentException.class,
        () -> ScriptCommand.of("/x/cb.sh 'oops", ScriptAction.ON_STOP, "primary", "s", false, false));
  }

  @Test
  void consumedPatroniVariablesAreNotPassedOn() {
    assertEquals(java.util.Map.of("PATH", "/bin"),
        ScriptCallbacks.scriptEnvironment(java.util.Map.of("PATH", "/bin", "PATRONI_POSTGRESQL_PASSWORD", "x")));
  }
}
