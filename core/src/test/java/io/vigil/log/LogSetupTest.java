package io.vigil.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.config.LogSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogSetupTest {
  @TempDir Path dir;

  @AfterEach
  void restoreDefaults() {
    LogSetup.configureDefaults(Map.of());
  }

  private LogSettings settings(String type, String level, String traceback, Map<String, String> loggers, long fileSize, int fileNum) {
    return new LogSettings(type, level, traceback, PatroniFormatter.DEFAULT_FORMAT, null, Map.of("app", "vigil"),
        dir.toString(), fileNum, fileSize, loggers);
  }

  @Test
  void configuresLevelsAndQuietsNoisyLibrariesUnlessConfigured() {
    LogSetup.configure(settings("plain", "DEBUG", "ERROR", Map.of("org.apache.curator", "DEBUG", "io.vigil.dcs", "ERROR"), 1 << 20, 2),
        "demo", "n1");
    assertEquals(Level.FINE, Logger.getLogger("").getLevel());
    assertEquals(Level.WARNING, Logger.getLogger("io.netty").getLevel());
    assertEquals(Level.WARNING, Logger.getLogger("io.grpc").getLevel());
    assertEquals(Level.WARNING, Logger.getLogger("org.apache.zookeeper").getLevel());
    assertEquals(Level.FINE, Logger.getLogger("org.apache.curator").getLevel());
    assertEquals(Level.SEVERE, Logger.getLogger("io.vigil.dcs").getLevel());
    assertFalse(Logger.getLogger("io.netty.channel").isLoggable(Level.INFO));
  }

  @Test
  void slf4jLinesReachTheFileInPatroniFormat() throws Exception {
    LogSetup.configure(settings("plain", "INFO", "ERROR", Map.of(), 1 << 20, 2), "demo", "n1");
    org.slf4j.LoggerFactory.getLogger("io.vigil.test").info("Lock owner: {}; I am {}", "n0", "n1");
    org.slf4j.LoggerFactory.getLogger("io.vigil.test").debug("hidden");
    List<String> lines = Files.readAllLines(dir.resolve("patroni.log"));
    assertEquals(1, lines.size(), lines.toString());
    assertTrue(lines.get(0).matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d,\\d{3} INFO: Lock owner: n0; I am n1"), lines.get(0));
  }

  @Test
  void jsonTypeWritesJsonLines() throws Exception {
    LogSetup.configure(settings("json", "INFO", "ERROR", Map.of(), 1 << 20, 2), "demo", "n1");
    Logger.getLogger("io.vigil.test").warning("careful");
    String line = Files.readAllLines(dir.resolve("patroni.log")).get(0);
    assertTrue(line.startsWith("{\"timestamp\":"), line);
    assertTrue(line.contains("\"level\":\"WARNING\",\"logger\":\"io.vigil.test\",\"message\":\"careful\",\"scope\":\"demo\",\"member\":\"n1\",\"app\":\"vigil\"}"), line);
  }

  @Test
  void tracebacksFollowTracebackLevel() throws Exception {
    LogSetup.configure(settings("plain", "INFO", "DEBUG", Map.of(), 1 << 20, 2), "demo", "n1");
    Logger.getLogger("io.vigil.test").log(Level.SEVERE, "failed", new IllegalStateException("inner"));
    assertEquals(1, Files.readAllLines(dir.resolve("patroni.log")).size());
    LogSetup.configure(settings("plain", "INFO", "ERROR", Map.of(), 1 << 20, 2), "demo", "n1");
    Logger.getLogger("io.vigil.test").log(Level.SEVERE, "failed", new IllegalStateException("inner"));
    List<String> lines = Files.readAllLines(dir.resolve("patroni.log"));
    assertEquals("java.lang.IllegalStateException: inner", lines.get(2));
  }

  private static final String PATRONI_LINE = "\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d,\\d{3} (DEBUG|INFO|WARNING|ERROR|CRITICAL): .*";

  /** What ZooKeeper's client (SLF4J), gRPC and jetcd (java.util.logging) say when a server goes away. */
  private static void logLikeTheLibraries() {
    org.slf4j.LoggerFactory.getLogger("org.apache.zookeeper.ClientCnxn").warn(
        "Session 0x{} for server {}, Closing socket connection. Attempting reconnect except it is a "
            + "SessionExpiredException or SessionTimeoutException.", "0", "localhost/127.0.0.1:2181",
        new java.net.ConnectException("Connection refused"));
    Logger.getLogger("io.grpc.internal.ManagedChannelOrphanWrapper").log(Level.SEVERE,
        "*~*~*~ Channel ManagedChannelImpl{logId=1} was not shutdown properly!!! ~*~*~*\n"
            + "    Make sure to call shutdown()/shutdownNow()",
        new RuntimeException("ManagedChannel allocation site"));
    Logger.getLogger("io.etcd.jetcd.impl.Impl").warning("retry failure (attempt: 1, error: UNAVAILABLE: io exception)");
  }

  @Test
  void libraryRecordsAreOneLineInTheAgentsFormatBelowDebug() throws Exception {
    LogSetup.configure(settings("plain", "INFO", "ERROR", Map.of(), 1 << 20, 2), "demo", "n1");
    logLikeTheLibraries();
    List<String> lines = Files.readAllLines(dir.resolve("patroni.log"));
    assertTrue(lines.stream().allMatch(l -> l.matches(PATRONI_LINE)), String.join("\n", lines));
    assertEquals(List.of(
        "WARNING: Session 0x0 for server localhost/127.0.0.1:2181, Closing socket connection. Attempting reconnect"
            + " except it is a SessionExpiredException or SessionTimeoutException."
            + " (java.net.ConnectException: Connection refused)",
        "ERROR: *~*~*~ Channel ManagedChannelImpl{logId=1} was not shutdown properly!!! ~*~*~* Make sure to call"
            + " shutdown()/shutdownNow() (java.lang.RuntimeException: ManagedChannel allocation site)"),
        lines.stream().map(l -> l.substring(24)).toList(), "jetcd's per-attempt retry warning is DEBUG noise");
  }

  @Test
  void libraryRecordsCarryTheirStackTraceAtDebug() throws Exception {
    LogSetup.configure(settings("plain", "DEBUG", "ERROR", Map.of(), 1 << 20, 2), "demo", "n1");
    logLikeTheLibraries();
    List<String> lines = Files.readAllLines(dir.resolve("patroni.log"));
    List<String> records = lines.stream().filter(l -> l.matches(PATRONI_LINE)).toList();
    assertEquals(3, records.size(), String.join("\n", lines));
    assertTrue(records.get(0).endsWith("SessionTimeoutException."), records.get(0));
    assertTrue(records.get(2).endsWith("WARNING: retry failure (attempt: 1, error: UNAVAILABLE: io exception)"));
    assertTrue(lines.contains("java.net.ConnectException: Connection refused"), String.join("\n", lines));
    assertTrue(lines.stream().anyMatch(l -> l.startsWith("\tat io.vigil.log.LogSetupTest.logLikeTheLibraries")));
  }

  @Test
  void jsonLibraryRecordsSummariseTheirExceptionBelowDebug() throws Exception {
    LogSetup.configure(settings("json", "INFO", "ERROR", Map.of(), 1 << 20, 2), "demo", "n1");
    org.slf4j.LoggerFactory.getLogger("org.apache.curator.ConnectionState").error("Connection timed out",
        new IllegalStateException("KeeperErrorCode = ConnectionLoss"));
    List<String> lines = Files.readAllLines(dir.resolve("patroni.log"));
    assertEquals(1, lines.size(), lines.toString());
    assertTrue(lines.get(0).contains("\"level\":\"ERROR\",\"logger\":\"org.apache.curator.ConnectionState\","
        + "\"message\":\"Connection timed out (java.lang.IllegalStateException: KeeperErrorCode = ConnectionLoss)\""),
        lines.get(0));
    assertFalse(lines.get(0).contains("exc_info"), lines.get(0));
  }

  @Test
  void filesRotateLikePythonsRotatingFileHandler() throws Exception {
    RotatingFileHandler h = new RotatingFileHandler(dir.resolve("patroni.log"), 100, 2);
    h.setFormatter(new PatroniFormatter("%(message)s", null, new Tracebacks(true, true), java.time.ZoneOffset.UTC));
    for (int i = 0; i < 10; i++) {
      h.publish(new LogRecord(Level.INFO, String.format("line %02d %s", i, "x".repeat(30))));
    }
    h.close();
    // 40 bytes a line: two lines a file; the newest lines in patroni.log, older in .1 and .2, the rest dropped
    assertEquals(List.of("line 08 " + "x".repeat(30), "line 09 " + "x".repeat(30)), Files.readAllLines(dir.resolve("patroni.log")));
    assertEquals("line 06 " + "x".repeat(30), Files.readAllLines(dir.resolve("patroni.log.1")).get(0));
    assertEquals("line 04 " + "x".repeat(30), Files.readAllLines(dir.resolve("patroni.log.2")).get(0));
    assertFalse(Files.exists(dir.resolve("patroni.log.3")));
  }
}
