package io.vigil.ctl;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * patronictl's prompts (click's {@code prompt} and {@code confirm}): the question is written to stdout as
 * {@code Question [default]: } and one line is read from stdin.
 *
 * <p>The rule for answers, whether stdin is a terminal or not: every prompt takes the next line of stdin, so
 * answers can be piped ({@code printf 'batman\nYes I am aware\npg1\n' | vigilctl remove batman}). A prompt never
 * hangs a script: when stdin is not a terminal, a prompt that finds stdin at its end fails at once, and one that
 * gets no line within {@code VIGILCTL_STDIN_TIMEOUT} seconds (default 5) fails too; both fail with a one-line
 * {@code Error:} that names the question and says to pass {@code --force}. On a terminal the prompt waits for the
 * operator, and end of input (Ctrl-D) aborts like click's {@code Aborted!}.
 */
public final class Prompter {
  private static final String EOF = new String("EOF");

  private final InputStream in;
  private final PrintStream out;
  private final boolean interactive;
  private final Duration pipeWait;
  private BlockingQueue<String> lines;

  public Prompter(InputStream in, PrintStream out, boolean interactive, Duration pipeWait) {
    this.in = in;
    this.out = out;
    this.interactive = interactive;
    this.pipeWait = pipeWait;
  }

  /**
   * click.prompt: shows {@code text [default]: }; an empty answer takes the default, or asks again when there is
   * none.
   */
  public String prompt(String text, String defaultValue) {
    String shown = defaultValue == null ? text + ": " : text + " [" + defaultValue + "]: ";
    while (true) {
      out.print(shown);
      out.flush();
      String line = readLine(text);
      if (!line.isEmpty()) {
        return line;
      }
      if (defaultValue != null) {
        return defaultValue;
      }
    }
  }

  /** click.confirm with a default of no: {@code text [y/N]: }, y/yes/n/no in any case. */
  public boolean confirm(String text) {
    while (true) {
      out.print(text + " [y/N]: ");
      out.flush();
      String answer = readLine(text).strip().toLowerCase(Locale.ROOT);
      switch (answer) {
        case "y", "yes" -> {
          return true;
        }
        case "n", "no", "" -> {
          return false;
        }
        default -> out.println("Error: invalid input");
      }
    }
  }

  /** A hidden answer (password): the console when there is one, else the next line like any prompt. */
  public String promptHidden(String text) {
    java.io.Console console = interactive ? System.console() : null;
    if (console != null) {
      char[] pw = console.readPassword("%s: ", text);
      if (pw == null) {
        throw new CtlException("Aborted!");
      }
      return new String(pw);
    }
    out.print(text + ": ");
    out.flush();
    return readLine(text);
  }

  private String readLine(String question) {
    if (lines == null) {
      lines = startReader();
    }
    try {
      Optional<String> line;
      if (interactive) {
        line = Optional.of(lines.take());
      } else {
        line = Optional.ofNullable(lines.poll(pipeWait.toMillis(), TimeUnit.MILLISECONDS));
      }
      if (line.isEmpty()) {
        out.println();
        throw new CtlException("no answer on stdin within " + pipeWait.toSeconds() + "s to \"" + question
            + "\" (stdin is not a terminal; pipe the answers in or use --force)");
      }
      if (line.get() == EOF) {
        lines.offer(EOF); // later prompts see the end too
        out.println();
        throw new CtlException(interactive ? "Aborted!"
            : "no answer to \"" + question + "\": stdin is not a terminal and has no more input"
                + " (pipe the answers in or use --force)");
      }
      return line.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CtlException("Aborted!");
    }
  }

  /** Reads stdin on a daemon thread so that a silent pipe can time out instead of blocking the command. */
  private BlockingQueue<String> startReader() {
    BlockingQueue<String> queue = new LinkedBlockingQueue<>();
    Thread t = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          queue.offer(line);
        }
      } catch (IOException e) {
        // a broken stdin is the same as its end for a prompt
      }
      queue.offer(EOF);
    }, "vigilctl-stdin");
    t.setDaemon(true);
    t.start();
    return queue;
  }

  /** Everything left on stdin (for {@code --apply -}), read on the calling thread. */
  public String readAll() {
    if (lines != null) {
      StringBuilder sb = new StringBuilder();
      try {
        while (true) {
          String line = lines.take();
          if (line == EOF) {
            lines.offer(EOF);
            return sb.toString();
          }
          sb.append(line).append('\n');
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CtlException("Aborted!");
      }
    }
    try {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new CtlException("could not read stdin: " + e.getMessage());
    }
  }
}
