package io.vigil.async;

import java.time.Instant;

/**
 * The long action an {@link AsyncExecutor} is running, as REST and the HA loop see it.
 *
 * @param name action name ({@code bootstrap}, {@code clone}, {@code rewind}, {@code restart},
 *     {@code reinitialize}, {@code crash recovery}, ...)
 * @param startedAt wall-clock start, for display
 * @param progress the last reported progress; the phase is {@code started} until the action reports
 * @param cancelled whether {@link AsyncExecutor#cancel()} was called for it
 */
public record LongAction(String name, Instant startedAt, Progress progress, boolean cancelled) {}
