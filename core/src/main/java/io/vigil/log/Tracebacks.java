package io.vigil.log;

import java.util.logging.Level;

/**
 * Whether a record's exception is printed as a stack trace under its line. Vigil's own records follow Patroni's
 * {@code log.traceback_level}. The libraries (ZooKeeper, Curator, gRPC, jetcd, Netty) attach an exception to
 * every failed reconnect attempt, so theirs are printed only at DEBUG; otherwise the line ends with a one-line
 * summary of the exception (see {@link LibraryRecords}).
 *
 * @param agent stack traces of Vigil's own records
 * @param libraries stack traces of every other logger's records
 */
public record Tracebacks(boolean agent, boolean libraries) {

  /** As {@code log.level} and {@code log.traceback_level} say. */
  public static Tracebacks forLevels(Level root, Level tracebackLevel) {
    return new Tracebacks(root.intValue() <= tracebackLevel.intValue(), root.intValue() <= Level.FINE.intValue());
  }

  boolean shownFor(java.util.logging.LogRecord record) {
    return record.getThrown() != null && (LibraryRecords.isLibrary(record) ? libraries : agent);
  }
}
