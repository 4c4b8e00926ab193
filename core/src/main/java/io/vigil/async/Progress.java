package io.vigil.async;

/**
 * Progress of the running long action, published on {@link io.vigil.bus.Addresses#ASYNC_PROGRESS}.
 *
 * @param action the action name as given to {@link AsyncExecutor#tryRun} ({@code bootstrap}, {@code clone}, ...)
 * @param phase what the action is doing now, in words fit for a log line ({@code running pg_basebackup})
 * @param percent 0..100, or -1 when the phase has no measurable extent
 */
public record Progress(String action, String phase, int percent) {}
