package io.vigil.config;

import java.util.Map;

/** {@code log:} (docs/configuration.md §5.3). {@code type} is plain or json. */
public record LogSettings(
    String type,
    String level,
    String tracebackLevel,
    String format,
    String dateformat,
    Map<String, String> staticFields,
    String dir,
    int fileNum,
    long fileSize,
    Map<String, String> loggers) {}
