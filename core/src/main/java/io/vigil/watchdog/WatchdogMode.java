package io.vigil.watchdog;

import java.util.Locale;

/** {@code watchdog.mode}, with the spellings Patroni's {@code parse_mode} accepts (patroni/watchdog/base.py). */
public enum WatchdogMode {
  /** Never touch a device. */
  OFF,
  /** Use a device when one can be opened, run without one otherwise (the default). */
  AUTOMATIC,
  /** Never lead without a device that could be opened and given a safe timeout. */
  REQUIRED;

  /**
   * @param raw the configured value: {@code false}, or one of required/require, automatic/auto, off/disable/disabled
   *     (any case)
   * @return the mode, or null when the value is none of these
   */
  public static WatchdogMode parse(Object raw) {
    if (raw == null) {
      return AUTOMATIC;
    }
    if (Boolean.FALSE.equals(raw)) {
      return OFF;
    }
    return switch (String.valueOf(raw).toLowerCase(Locale.ROOT)) {
      case "required", "require" -> REQUIRED;
      case "automatic", "auto" -> AUTOMATIC;
      case "off", "disable", "disabled", "false" -> OFF;
      default -> null;
    };
  }

  /** The name Patroni's configuration uses. */
  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
