package io.vigil.async;

/**
 * Progress of the running long action, published on {@link io.vigil.bus.Addresses#ASYNC_PROGRESS}.
 *
 * @param action the action name as given to {@link AsyncExecutor#tryRun} ({@code bootstrap}, {@code clone}, ...)
 * @param phase what the action is doing now, in words fit for a log line ({@code running pg_basebackup});
 *     {@link #STARTED}, {@link #FINISHED} or {@link #FAILED_PREFIX} and the reason at the start and end
 * @param percent 0..100, or -1 when the phase has no measurable extent
 */
public record Progress(String action, String phase, int percent) {
  /** The phase when the action starts. */
  public static final String STARTED = "started";
  /** The phase when the action succeeded (percent 100). */
  public static final String FINISHED = "finished";
  /** How the phase starts when the action failed; the failure's message follows. */
  public static final String FAILED_PREFIX = "failed: ";
}
