package io.vigil.config;

/** {@code watchdog:}: mode automatic (default), off or required. */
public record WatchdogSettings(String mode, String device, int safetyMargin, String driver) {}
