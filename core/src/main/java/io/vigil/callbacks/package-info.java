/**
 * Callbacks: what a platform team implements ({@link io.vigil.callbacks.VigilCallback}, given a
 * {@link io.vigil.callbacks.CallbackContext}) and the hooks the runtime calls at Patroni's callback moments
 * ({@link io.vigil.callbacks.AgentCallbacks}). The implementation, which runs Patroni's script callbacks and the
 * plugins, is the plugins/callbacks module, found through {@link io.vigil.callbacks.AgentCallbacksProvider}.
 * Contract: docs/callbacks.md.
 */
package io.vigil.callbacks;
