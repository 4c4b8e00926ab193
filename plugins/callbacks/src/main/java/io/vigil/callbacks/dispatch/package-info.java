/**
 * The callbacks module: runs Patroni's script callbacks ({@link io.vigil.callbacks.dispatch.ScriptCallbacks}) and
 * the Java plugins ({@link io.vigil.callbacks.dispatch.PluginRunner}, loaded by
 * {@link io.vigil.callbacks.dispatch.PluginLoader}), fed by {@link io.vigil.callbacks.dispatch.CallbackDispatcher}.
 * Contract: docs/callbacks.md.
 */
package io.vigil.callbacks.dispatch;
