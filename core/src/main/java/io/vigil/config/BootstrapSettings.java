package io.vigil.config;

import java.util.List;
import java.util.Map;

/**
 * {@code bootstrap:} (docs/configuration.md §5.3, docs/postgres.md §6.1).
 *
 * @param dcs the initial dynamic configuration, written to {@code /config} by the bootstrap winner
 * @param method {@code initdb} or the name of a custom method in {@code methods}
 * @param initdb initdb options in order: a flag ({@code data-checksums}) or an option with a value
 * @param postBootstrap the {@code post_bootstrap} (or {@code post_init}) script, called with the connection URL
 */
public record BootstrapSettings(
    Map<String, Object> dcs,
    String method,
    List<Option> initdb,
    Map<String, CustomMethod> methods,
    List<String> pgHba,
    List<User> users,
    String postBootstrap) {

  /** A command-line option of initdb, pg_basebackup or pg_rewind; {@code value} null for a flag. */
  public record Option(String name, String value) {
    public String asArgument() {
      return value == null ? "--" + name : "--" + name + "=" + value;
    }
  }

  /** A custom bootstrap or replica-creation method section. */
  public record CustomMethod(
      String name,
      String command,
      boolean noParams,
      boolean keepExistingRecoveryConf,
      boolean keepData,
      boolean noLeader,
      Map<String, Object> recoveryConf,
      Map<String, String> extraParams) {}

  /** An entry of {@code bootstrap.users}: created after initdb with the given options. */
  public record User(String name, Secret password, List<String> options) {}
}
