/**
 * The {@code vigil} command line: {@link io.vigil.Agent} parses the arguments ({@code CONFIG_FILE|DIR},
 * {@code --validate-config}, {@code --version}), loads the configuration and hands the node to
 * {@code io.vigil.runtime.AgentRuntime}. Everything else lives in the sub-packages, one concern each; the map is in
 * docs/architecture.md.
 */
package io.vigil;
