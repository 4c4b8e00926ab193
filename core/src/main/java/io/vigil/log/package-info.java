/**
 * Logging as Patroni logs: {@link io.vigil.log.LogSetup} configures java.util.logging (where SLF4J is routed)
 * from the {@code log:} section, with {@link io.vigil.log.PatroniFormatter} for plain lines in Python's
 * {@code log.format} syntax, {@link io.vigil.log.JsonLogFormatter} for {@code log.type: json},
 * {@link io.vigil.log.RotatingFileHandler} for {@code log.dir}, and {@link io.vigil.log.LogLevels} for Python's
 * level names. {@link io.vigil.log.DeferredResetLogManager} keeps the handlers open until shutdown has finished.
 */
package io.vigil.log;
