/**
 * One class per {@code vigilctl} command, each a subclass of {@link io.vigil.ctl.command.CtlCommand} with
 * patronictl's options, prompts and messages: {@link io.vigil.ctl.command.ListCommand},
 * {@link io.vigil.ctl.command.SwitchoverCommand}, {@link io.vigil.ctl.command.FailoverCommand},
 * {@link io.vigil.ctl.command.RestartCommand}, {@link io.vigil.ctl.command.PauseCommand},
 * {@link io.vigil.ctl.command.EditConfigCommand} and the others. See docs/vigilctl.md §4.2 and §4.3.
 */
package io.vigil.ctl.command;
