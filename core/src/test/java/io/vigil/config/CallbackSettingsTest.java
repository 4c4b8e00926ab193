package io.vigil.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** docs/callbacks.md §1.4 and §3: callback programs are checked at load time; the callbacks: section. */
class CallbackSettingsTest {
  @TempDir Path dir;

  private Path node(String extra) throws Exception {
    Path file = dir.resolve("node.yml");
    Files.writeString(file, SettingsLoaderTest.baseYaml() + extra);
    return file;
  }

  private String errors(String extra) throws Exception {
    Path file = node(extra);
    SettingsError e = assertThrows(SettingsError.class, () -> SettingsLoader.load(file, Map.of(), dir));
    return e.getMessage();
  }

  @Test
  void aMissingCallbackProgramIsAnErrorNamingTheKeyAndTheFile() throws Exception {
    String message = errors("""
          callbacks:
            on_role_change: /nonexistent/cb.sh --verbose
        """);
    assertTrue(message.contains("node.yml"), message);
    assertTrue(message.contains("postgresql.callbacks.on_role_change"), message);
    assertTrue(message.contains("/nonexistent/cb.sh does not exist"), message);
  }

  @Test
  void aNonExecutableProgramIsAnError() throws Exception {
    Path script = dir.resolve("cb.sh");
    Files.writeString(script, "#!/bin/sh\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rw-r--r--"));
    String message = errors("""
          callbacks:
            on_start: %s
          pre_promote: %s
        """.formatted(script, script));
    assertTrue(message.contains("postgresql.callbacks.on_start: the program " + script + " is not an executable file"),
        message);
    assertTrue(message.contains("postgresql.pre_promote: the program " + script + " is not an executable file"),
        message);
  }

  @Test
  void aProgramNotOnPathIsAnError() throws Exception {
    String message = errors("""
          before_stop: no-such-program-anywhere arg
        """);
    assertTrue(message.contains("postgresql.before_stop: the program 'no-such-program-anywhere' is not on PATH"),
        message);
  }

  @Test
  void executableScriptsAndProgramsOnPathAreAccepted() throws Exception {
    Path script = dir.resolve("cb.sh");
    Files.writeString(script, "#!/bin/sh\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    Settings s = SettingsLoader.load(node("""
          callbacks:
            on_role_change: %s
            on_start: "true"
          pre_promote: sh -c 'exit 0'
        """.formatted(script)), Map.of(), dir).settings();
    assertEquals(Map.of("on_role_change", script.toString(), "on_start", "true"), s.postgresql().callbacks());
    assertEquals(CallbackSettings.defaults(), s.callbacks());
  }

  @Test
  void theCallbacksSection() throws Exception {
    Files.createDirectories(dir.resolve("plugins"));
    Settings s = SettingsLoader.load(node("""
        callbacks:
          plugin_dir: plugins
          timeout_ms: 1500
          plugins:
            role-file:
              file: /tmp/roles.log
        """), Map.of(), dir).settings();
    assertEquals(dir.resolve("plugins"), s.callbacks().pluginDir());
    assertEquals(Duration.ofMillis(1500), s.callbacks().timeout());
    assertEquals(Map.of("file", "/tmp/roles.log"), s.callbacks().plugins().get("role-file"));
  }

  @Test
  void aMissingPluginDirectoryIsAnError() throws Exception {
    String message = errors("""
        callbacks:
          plugin_dir: /nonexistent/plugins
        """);
    assertTrue(message.contains("callbacks.plugin_dir: the directory /nonexistent/plugins does not exist"), message);
  }

  @Test
  void noSectionMeansNoPluginDirectory() throws Exception {
    assertNull(SettingsLoader.load(node(""), Map.of(), dir).settings().callbacks().pluginDir());
  }
}
