package io.vigil.taps;

import java.util.Locale;

/** Why a tap was disconnected by the agent (the {@code reason} label of {@code vigil_event_tap_drops_total}). */
public enum DropReason {
  /** Its queue held more undelivered events than {@link EventJournal#tapQueueCapacity()}. */
  QUEUE_FULL,
  /** Its connection accepted no bytes for longer than the stall limit, whatever the number of queued events. */
  STALLED;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
