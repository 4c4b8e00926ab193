package io.vigil.ctl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Command;

/**
 * The command line is built with only the command a line names when that is certain (a start-up saving, see
 * {@link VigilCtl#commandLine}); these tests hold that the shortcut never changes what is parsed or printed.
 */
class VigilCtlParserTest {

  @Test
  void theCommandNamesAreTheAnnotationsNamesInTheHelpOrder() {
    List<String> fromAnnotations = new ArrayList<>();
    VigilCtl.COMMANDS.values().forEach(c -> fromAnnotations.add(c.getAnnotation(Command.class).name()));
    assertEquals(new ArrayList<>(VigilCtl.COMMANDS.keySet()), fromAnnotations);
    assertEquals(20, fromAnnotations.size());
  }

  /**
   * The text a bare {@code --help} prints comes from a resource; it must stay what picocli renders from the
   * commands. When a command or option changes, this fails: write the new text to the resource, for example with
   * {@code -Dvigil.writeHelp=true} on this test.
   */
  @Test
  void theBuildTimeHelpTextIsPicocliHelpText() throws IOException {
    String rendered = VigilCtl.picocliHelp();
    if (Boolean.getBoolean("vigil.writeHelp")) {
      java.nio.file.Files.writeString(java.nio.file.Path.of("src/main/resources/io/vigil/ctl/" + VigilCtl.HELP_RESOURCE),
          rendered, java.nio.charset.StandardCharsets.UTF_8);
    }
    byte[] stored = VigilCtl.renderedHelp();
    assertTrue(stored != null, "resource io/vigil/ctl/" + VigilCtl.HELP_RESOURCE + " is missing");
    assertEquals(rendered, new String(stored, java.nio.charset.StandardCharsets.UTF_8),
        "the stored --help text is stale: rerun with -Dvigil.writeHelp=true");
    for (String flag : List.of("--help", "-h")) {
      var out = new java.io.ByteArrayOutputStream();
      assertEquals(0, VigilCtl.execute(new String[] {flag}, InputStream.nullInputStream(), new java.io.PrintStream(out),
          System.err, Map.of()));
      assertEquals(rendered, out.toString(java.nio.charset.StandardCharsets.UTF_8), flag);
    }
  }

  @Test
  void aBareHelpMayFollowTheGlobalOptionsButNoCommand() {
    assertTrue(VigilCtl.isBareHelp(new String[] {"--help"}));
    assertTrue(VigilCtl.isBareHelp(new String[] {"-h"}));
    assertTrue(VigilCtl.isBareHelp(new String[] {"-c", "file.yml", "--help"}));
    assertTrue(VigilCtl.isBareHelp(new String[] {"-kc", "file.yml", "-h"}));
    assertTrue(VigilCtl.isBareHelp(new String[] {"--dcs-url=etcd3://h:2379", "--insecure", "--help"}));
    assertFalse(VigilCtl.isBareHelp(new String[] {"list", "--help"}));
    assertFalse(VigilCtl.isBareHelp(new String[] {"--help", "list"}));
    assertFalse(VigilCtl.isBareHelp(new String[] {"-x", "--help"}));
    assertFalse(VigilCtl.isBareHelp(new String[] {"-c", "--help"}));
    assertFalse(VigilCtl.isBareHelp(new String[] {}));
  }

  @Test
  void theNamedCommandIsFoundAfterTheGlobalOptions() {
    assertEquals("list", VigilCtl.namedCommand(new String[] {"list"}));
    assertEquals("list", VigilCtl.namedCommand(new String[] {"-c", "list", "list"}));
    assertEquals("history", VigilCtl.namedCommand(new String[] {"-cfile.yml", "history", "-f", "tsv"}));
    assertEquals("history", VigilCtl.namedCommand(new String[] {"-kc", "version", "history"}));
    assertEquals("show-config", VigilCtl.namedCommand(new String[] {"--config-file", "f", "-k", "show-config"}));
    assertEquals("show-config", VigilCtl.namedCommand(new String[] {"--config-file=f", "--insecure", "show-config"}));
    assertEquals("topology", VigilCtl.namedCommand(new String[] {"-d", "etcd3://h:2379", "topology"}));
    assertEquals("topology", VigilCtl.namedCommand(new String[] {"--dcs-url=etcd3://h", "--dcs", "x", "topology"}));
    assertEquals("version", VigilCtl.namedCommand(new String[] {"-c=f", "version", "--help"}));
  }

  @Test
  void aBareVersionIsAnsweredWithoutTheParserAndAsVersionCommandDoes() throws IOException {
    assertTrue(VigilCtl.isBareVersion(new String[] {"version"}));
    assertTrue(VigilCtl.isBareVersion(new String[] {"-c", "version", "version"}));
    assertTrue(VigilCtl.isBareVersion(new String[] {"-k", "-d", "etcd3://h", "version"}));
    assertFalse(VigilCtl.isBareVersion(new String[] {"version", "anchor"}));
    assertFalse(VigilCtl.isBareVersion(new String[] {"-c", "version"}));
    assertFalse(VigilCtl.isBareVersion(new String[] {"--help", "version"}));
    assertEquals("vigilctl version " + VigilCtl.vigilVersion() + "\n", run("-c", "x.yml", "version"));
    assertEquals(runAll("-c", "x.yml", "version"), run("-c", "x.yml", "version"));
  }

  @Test
  void anyDoubtMeansEveryCommand() {
    for (String[] args : new String[][] {{}, {"--help"}, {"-h"}, {"-V"}, {"-kh", "list"}, {"bogus"}, {"lis"},
        {"--", "list"}, {"@args.txt"}, {"-c"}, {"-c", "f"}, {"--unknown", "list"}, {"-x", "list"}, {"help"}}) {
      assertNull(VigilCtl.namedCommand(args), String.join(" ", args));
    }
  }

  @Test
  void noCommandPrintsTheUsageWithEveryCommand() {
    String usage = run();
    assertTrue(usage.startsWith("Usage: vigilctl [-hkV] [-c=FILE] [-d=URL] [COMMAND]\n"), usage);
    for (String name : VigilCtl.COMMANDS.keySet()) {
      assertTrue(usage.contains("\n  " + name + " "), name + " missing from\n" + usage);
    }
    assertEquals(usage, run("--help"));
  }

  @Test
  void theUsageFromNamesAndDescriptionsIsTheUsageFromTheFullModels() throws IOException {
    assertEquals(runAll("--help"), run("--help"));
    assertEquals(runAll("-c", "x.yml", "--help"), run("-c", "x.yml", "--help"));
  }

  @Test
  void aCommandsHelpIsTheSameWithOneCommandOrAll() throws IOException {
    String one = run("list", "--help");
    assertTrue(one.startsWith("Usage: vigilctl list [-ehtVW]"), one);
    assertEquals(one, runAll("list", "--help"));
    assertEquals(run("-c", "x.yml", "show-config", "--help"), runAll("-c", "x.yml", "show-config", "--help"));
  }

  @Test
  void aMisspeltCommandStillGetsTheNearestNames() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = VigilCtl.execute(new String[] {"lis"}, new ByteArrayInputStream(new byte[0]),
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), Map.of());
    assertEquals(2, code);
    assertEquals("Unmatched argument at index 0: 'lis'\nDid you mean: vigilctl list or vigilctl history?\n",
        err.toString(StandardCharsets.UTF_8));
  }

  /**
   * {@code args} parsed with every command, as before the shortcut: given through an argument file, which
   * {@link VigilCtl#namedCommand} leaves to picocli.
   */
  private static String runAll(String... args) throws IOException {
    Path file = Files.createTempFile("vigilctl-args", ".txt");
    try {
      Files.write(file, List.of(args));
      return run("@" + file);
    } finally {
      Files.delete(file);
    }
  }

  private static String run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int code = VigilCtl.execute(args, new ByteArrayInputStream(new byte[0]),
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(new ByteArrayOutputStream()), Map.of());
    assertEquals(0, code);
    return out.toString(StandardCharsets.UTF_8);
  }
}
