package io.vigil.postgres;

/** PostgreSQL shutdown modes (pg_ctl -m) and the postmaster signal each one is. */
public enum StopMode {
  /** SIGTERM: wait for clients to disconnect. */
  SMART(Postmaster.Signal.SMART),
  /** SIGINT: disconnect clients, shutdown checkpoint. Patroni's default. */
  FAST(Postmaster.Signal.FAST),
  /** SIGQUIT: no checkpoint; crash recovery at next start. */
  IMMEDIATE(Postmaster.Signal.IMMEDIATE);

  final Postmaster.Signal signal;

  StopMode(Postmaster.Signal signal) {
    this.signal = signal;
  }
}
