package io.vigil.config;

import java.util.List;

/**
 * The configuration cannot be used. {@link #problems()} holds one line per problem, each of the form
 * {@code <file>: <key.path>: <what was expected, got what>}; no line ever contains a secret value.
 */
public final class SettingsError extends Exception {
  private final List<String> problems;
  private final List<String> warnings;

  public SettingsError(List<String> problems, List<String> warnings) {
    super(problems.size() == 1 ? problems.get(0) : problems.size() + " configuration problems:\n" + String.join("\n", problems));
    this.problems = List.copyOf(problems);
    this.warnings = List.copyOf(warnings);
  }

  public SettingsError(String problem) {
    this(List.of(problem), List.of());
  }

  /** One line per problem, in the order found. */
  public List<String> problems() {
    return problems;
  }

  /** Warnings found before the configuration was rejected (unknown keys and the like). */
  public List<String> warnings() {
    return warnings;
  }
}
