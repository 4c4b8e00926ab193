/**
 * {@code vigilctl}, Patroni's {@code patronictl} for Vigil and Patroni clusters alike: {@link io.vigil.ctl.VigilCtl}
 * is the command line, {@link io.vigil.ctl.CtlSession} one invocation (configuration, prompts, DCS and REST
 * clients), {@link io.vigil.ctl.PatroniClient} the members' REST API, and {@link io.vigil.ctl.MemberTable} with
 * {@link io.vigil.ctl.TableRenderer} the tables in patronictl's formats. The commands themselves are in
 * {@code io.vigil.ctl.command}. See docs/vigilctl.md.
 */
package io.vigil.ctl;
