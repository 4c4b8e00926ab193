package io.vigil.ctl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class PrompterTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  private Prompter prompter(String stdin) {
    return new Prompter(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
        new PrintStream(out, true, StandardCharsets.UTF_8), false, Duration.ofSeconds(2));
  }

  @Test
  void promptShowsTheDefaultAndTakesItOnAnEmptyLine() {
    Prompter p = prompter("\npg2\n");
    assertEquals("pg3", p.prompt("Primary", "pg3"));
    assertEquals("pg2", p.prompt("Candidate ['pg1', 'pg2']", ""));
    assertEquals("Primary [pg3]: Candidate ['pg1', 'pg2'] []: ", out.toString(StandardCharsets.UTF_8));
  }

  @Test
  void promptWithoutDefaultAsksAgainOnEmptyLines() {
    assertEquals("anchor", prompter("\n\nanchor\n").prompt("Please confirm the cluster name to remove", null));
  }

  @Test
  void confirmAcceptsYesNoAndDefaultsToNo() {
    Prompter p = prompter("Y\nno\n\nmaybe\nyes\n");
    assertTrue(p.confirm("a?"));
    assertFalse(p.confirm("b?"));
    assertFalse(p.confirm("c?"));
    assertTrue(p.confirm("d?"));
    assertEquals("a? [y/N]: b? [y/N]: c? [y/N]: d? [y/N]: Error: invalid input\nd? [y/N]: ",
        out.toString(StandardCharsets.UTF_8));
  }

  @Test
  void endOfStdinFailsEveryLaterPromptToo() {
    Prompter p = prompter("only\n");
    assertEquals("only", p.prompt("first", null));
    CtlException e = assertThrows(CtlException.class, () -> p.confirm("Apply these changes?"));
    assertEquals("no answer to \"Apply these changes?\": stdin is not a terminal and has no more input"
        + " (pipe the answers in or use --force)", e.getMessage());
    assertThrows(CtlException.class, () -> p.prompt("again", "x"));
  }

  @Test
  void readAllTakesWhatPromptsLeft() {
    Prompter p = prompter("y\nttl: 5\n");
    assertTrue(p.confirm("go?"));
    assertEquals("ttl: 5\n", p.readAll());
  }
}
