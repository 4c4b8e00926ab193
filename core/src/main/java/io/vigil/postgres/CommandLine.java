package io.vigil.postgres;

import java.util.ArrayList;
import java.util.List;

/** Splits a configured command string into arguments the way Python's {@code shlex.split} does (Patroni). */
public final class CommandLine {
  private CommandLine() {}

  /** @throws IllegalArgumentException on an unterminated quote */
  public static List<String> split(String command) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    boolean inWord = false;
    char quote = 0;
    for (int i = 0; i < command.length(); i++) {
      char c = command.charAt(i);
      if (quote == '\'') {
        if (c == '\'') {
          quote = 0;
        } else {
          cur.append(c);
        }
      } else if (quote == '"') {
        if (c == '"') {
          quote = 0;
        } else if (c == '\\' && i + 1 < command.length() && "\\\"$`".indexOf(command.charAt(i + 1)) >= 0) {
          cur.append(command.charAt(++i));
        } else {
          cur.append(c);
        }
      } else if (Character.isWhitespace(c)) {
        if (inWord) {
          out.add(cur.toString());
          cur.setLength(0);
          inWord = false;
        }
      } else {
        inWord = true;
        if (c == '\'' || c == '"') {
          quote = c;
        } else if (c == '\\' && i + 1 < command.length()) {
          cur.append(command.charAt(++i));
        } else {
          cur.append(c);
        }
      }
    }
    if (quote != 0) {
      throw new IllegalArgumentException("unterminated quote in command: " + command);
    }
    if (inWord) {
      out.add(cur.toString());
    }
    return out;
  }
}
