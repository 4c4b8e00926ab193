package io.vigil.config;

/** {@code ctl:}: how vigilctl and the agent's outgoing REST calls authenticate; falls back to restapi's. */
public record CtlSettings(
    boolean insecure,
    String cacert,
    String certfile,
    String keyfile,
    Secret keyfilePassword,
    Credentials authentication) {}
