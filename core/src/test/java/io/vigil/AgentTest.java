package io.vigil;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.config.SettingsLoaderTest;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentTest {
  @TempDir Path dir;

  private record Run(int code, String out, String err) {}

  private static Run run(Map<String, String> env, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Agent.execute(env, new PrintWriter(out), new PrintWriter(err), args);
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void validateConfigFailsNamingTheKeyAndTheFile() throws Exception {
    Path file = dir.resolve("bad.yml");
    Files.writeString(file, SettingsLoaderTest.baseYaml().replace("ttl: 30", "ttl: abc"));
    Run r = run(Map.of(), "--validate-config", file.toString());
    assertNotEquals(0, r.code());
    assertEquals(file + ": bootstrap.dcs.ttl: expected an integer >= 20, got 'abc'\n", r.err());
  }

  @Test
  void validateConfigPassesAValidFileAndPrintsWarningsToStderr() throws Exception {
    Path file = dir.resolve("good.yml");
    Files.writeString(file, SettingsLoaderTest.baseYaml() + "colour: blue\n");
    Run r = run(Map.of(), "--validate-config", file.toString());
    assertEquals(0, r.code(), r.err());
    // core alone has no DCS plugin on its class path: that is said, but the file itself is valid
    assertEquals("WARNING: " + file + ": colour: unknown key, ignored\n"
        + "WARNING: " + io.vigil.dcs.DcsPlugins.missingPluginMessage("etcd3") + "\n", r.err());
    assertEquals("", r.out());
  }

  @Test
  void validateConfigOfTheSamplesInConf() {
    for (int i = 0; i < 3; i++) {
      Run r = run(Map.of(), "--validate-config", Path.of("..", "conf", "postgres" + i + ".yml").toString());
      assertEquals(0, r.code(), r.err());
    }
  }

  @Test
  void runModeRefusesAnInvalidConfiguration() throws Exception {
    Path file = dir.resolve("bad.yml");
    Files.writeString(file, SettingsLoaderTest.baseYaml().replace("etcd3:", "etcd:"));
    Run r = run(Map.of(), file.toString());
    assertEquals(1, r.code());
    assertTrue(r.err().startsWith(file + ": etcd: etcd v2 is not supported"), r.err());
    assertTrue(r.err().contains("refusing to start"), r.err());
  }

  /**
   * A plain {@code vigil CONFIG} skips the parser; anything picocli reads differently still goes through it: an
   * {@code @file} argument file expands into the arguments it holds, two positionals are a usage error.
   */
  @Test
  void plainRunAndParsedRunReadTheArgumentsAlike() throws Exception {
    Path file = dir.resolve("bad.yml");
    Files.writeString(file, SettingsLoaderTest.baseYaml().replace("etcd3:", "etcd:"));
    Path argFile = dir.resolve("args");
    Files.writeString(argFile, "--validate-config\n" + file + "\n");
    Run expanded = run(Map.of(), "@" + argFile);
    assertEquals(1, expanded.code());
    assertTrue(expanded.err().startsWith(file + ": etcd: etcd v2 is not supported"), expanded.err());
    assertTrue(!expanded.err().contains("refusing to start"), "validated, not run: " + expanded.err());
    assertEquals(2, run(Map.of(), file.toString(), file.toString()).code());
    Run missing = run(Map.of(), dir.resolve("missing.yml").toString());
    assertEquals(1, missing.code());
    assertTrue(missing.err().contains("missing.yml: config path is neither a file nor a directory"), missing.err());
  }

  @Test
  void versionNamesVigilAndThePatroniVersion() {
    Run r = run(Map.of(), "--version");
    assertEquals(0, r.code());
    assertTrue(r.out().matches("vigil \\d+\\.\\d+\\.\\d+(-SNAPSHOT)? \\(compatible with Patroni \\d+\\.\\d+\\.\\d+\\)\\n"), r.out());
  }

  @Test
  void helpAndBadArguments() {
    Run help = run(Map.of(), "--help");
    assertEquals(0, help.code());
    assertTrue(help.out().contains("Usage: vigil") && help.out().contains("--validate-config"), help.out());
    assertEquals(2, run(Map.of(), "--no-such-option").code());
  }

  @Test
  void generateSampleConfigWritesALoadableFile() throws Exception {
    Path file = dir.resolve("sample.yml");
    assertEquals(0, run(Map.of(), "--generate-sample-config", file.toString()).code());
    assertEquals(0, run(Map.of(), "--validate-config", file.toString()).code());
    Run stdout = run(Map.of(), "--generate-sample-config");
    assertTrue(stdout.out().contains("scope: demo"), stdout.out());
  }
}
