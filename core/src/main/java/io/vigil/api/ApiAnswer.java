package io.vigil.api;

/** A plain-text answer decided by pure validation: HTTP status code and Patroni's exact reason text. */
record ApiAnswer(int code, String text) {}
