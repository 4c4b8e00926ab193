package io.vigil.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class LogFormatTest {
  private static final ZoneId UTC = ZoneOffset.UTC;
  private static final Instant AT = Instant.parse("2026-11-21T10:00:00.123Z");

  private static LogRecord record(Level level, String message, Throwable thrown) {
    LogRecord r = new LogRecord(level, message);
    r.setInstant(AT);
    r.setLoggerName("io.vigil.ha.HaLoopVerticle");
    r.setThrown(thrown);
    return r;
  }

  @ParameterizedTest(name = "{0} prints as {1}")
  @CsvSource({
      "SEVERE, ERROR", "WARNING, WARNING", "INFO, INFO", "CONFIG, INFO", "FINE, DEBUG", "FINER, DEBUG", "FINEST, DEBUG"})
  void plainLinesLookExactlyLikePatronis(String julLevel, String printed) {
    PatroniFormatter f = new PatroniFormatter(PatroniFormatter.DEFAULT_FORMAT, null, new Tracebacks(true, true), UTC);
    assertEquals("2026-11-21 10:00:00,123 " + printed + ": no action. I am (postgresql0), the leader with the lock\n",
        f.format(record(Level.parse(julLevel), "no action. I am (postgresql0), the leader with the lock", null)));
  }

  @Test
  void criticalIsAboveError() {
    PatroniFormatter f = new PatroniFormatter();
    assertTrue(new PatroniFormatter(PatroniFormatter.DEFAULT_FORMAT, null, new Tracebacks(true, true), UTC)
        .format(record(LogLevels.CRITICAL, "boom", null)).endsWith(" CRITICAL: boom\n"));
    assertTrue(f.format(record(LogLevels.CRITICAL, "x", null)).contains("CRITICAL: x"));
    assertEquals(Level.SEVERE, LogLevels.toJul("error"));
    assertEquals(Level.FINE, LogLevels.toJul("DEBUG"));
    assertEquals(Level.WARNING, LogLevels.toJul("warn"));
    assertEquals(LogLevels.CRITICAL, LogLevels.toJul("FATAL"));
  }

  @Test
  void customFormatAndDateformatUsePythonSyntax() {
    PatroniFormatter f = new PatroniFormatter("%(asctime)s [%(levelname)-8s] %(name)s %(process)d: %(message)s %%",
        "%Y/%m/%d %H:%M:%S", new Tracebacks(true, true), UTC);
    String line = f.format(record(Level.WARNING, "careful", null));
    assertEquals("2026/11/21 10:00:00 [WARNING ] io.vigil.ha.HaLoopVerticle " + ProcessHandle.current().pid()
        + ": careful %\n", line);
  }

  @Test
  void messageParametersAreFilledIn() {
    LogRecord r = record(Level.INFO, "Lock owner: {0}; I am {1}", null);
    r.setParameters(new Object[] {"postgresql0", "postgresql1"});
    assertEquals("2026-11-21 10:00:00,123 INFO: Lock owner: postgresql0; I am postgresql1\n",
        new PatroniFormatter(PatroniFormatter.DEFAULT_FORMAT, null, new Tracebacks(true, true), UTC).format(r));
  }

  @Test
  void exceptionsArePrintedAsTracebacksUnlessTurnedOff() {
    IllegalStateException e = new IllegalStateException("etcd is down");
    String with = new PatroniFormatter(PatroniFormatter.DEFAULT_FORMAT, null, new Tracebacks(true, true), UTC).format(record(Level.SEVERE, "failed", e));
    String[] lines = with.split("\n");
    assertEquals("2026-11-21 10:00:00,123 ERROR: failed", lines[0]);
    assertEquals("java.lang.IllegalStateException: etcd is down", lines[1]);
    assertTrue(lines[2].startsWith("\tat io.vigil.log.LogFormatTest"), lines[2]);
    String without = new PatroniFormatter(PatroniFormatter.DEFAULT_FORMAT, null, new Tracebacks(false, false), UTC).format(record(Level.SEVERE, "failed", e));
    assertEquals("2026-11-21 10:00:00,123 ERROR: failed\n", without);
  }

  @Test
  void jsonLinesHoldOneObjectWithTheStandardAndStaticFields() throws Exception {
    JsonLogFormatter f = new JsonLogFormatter("batman", "postgresql0", Map.of("app", "vigil", "level", "ignored"), null, new Tracebacks(true, true), UTC);
    String line = f.format(record(Level.INFO, "said \"hi\"\nand left", null));
    assertTrue(line.endsWith("\n"));
    assertEquals(1, line.split("\n").length);
    assertEquals("{\"timestamp\":\"2026-11-21 10:00:00,123\",\"level\":\"INFO\",\"logger\":\"io.vigil.ha.HaLoopVerticle\","
        + "\"message\":\"said \\\"hi\\\"\\nand left\",\"scope\":\"batman\",\"member\":\"postgresql0\",\"app\":\"vigil\"}\n", line);

    String error = f.format(record(Level.SEVERE, "failed", new RuntimeException("x")));
    @SuppressWarnings("unchecked")
    Map<String, Object> parsed = new ObjectMapper().readValue(error, Map.class);
    assertEquals("ERROR", parsed.get("level"));
    assertTrue(String.valueOf(parsed.get("exc_info")).startsWith("java.lang.RuntimeException: x\n\tat "));
    assertFalse(new JsonLogFormatter("b", "m", Map.of(), null, new Tracebacks(false, false), UTC)
        .format(record(Level.SEVERE, "failed", new RuntimeException("x"))).contains("exc_info"));
  }
}
