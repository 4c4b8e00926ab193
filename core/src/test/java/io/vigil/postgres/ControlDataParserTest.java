package io.vigil.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ControlDataParserTest {

  private static String captured() throws IOException {
    try (InputStream in = ControlDataParserTest.class.getResourceAsStream("controldata-pg15.txt")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void readsTheFieldsVigilDecidesOnFromCapturedPg15Output() throws IOException {
    ControlData cd = ControlDataParser.parse(captured());
    assertEquals("7710499465354364854", cd.systemId());
    assertEquals("shut down", cd.clusterState());
    assertEquals(0x17414F8L, cd.latestCheckpointLsn());
    assertEquals(0x17414F8L, cd.latestCheckpointRedoLsn());
    assertEquals(1, cd.latestCheckpointTimeline());
    assertEquals(0, cd.minRecoveryEndLsn());
    assertEquals(1, cd.dataChecksumVersion());
    assertFalse(cd.walLogHints());
    assertTrue(cd.shutDownCleanly());
    assertTrue(cd.rewindPossible(), "data checksums alone make pg_rewind possible");
    assertEquals(100, cd.intSetting("max_connections"));
    assertEquals(10, cd.intSetting("max_wal_senders"));
  }

  @Test
  void rewindIsImpossibleWithoutChecksumsOrWalLogHints() throws IOException {
    String text = captured().replace("Data page checksum version:           1",
        "Data page checksum version:           0").replace("Database cluster state:               shut down",
        "Database cluster state:               in production");
    ControlData cd = ControlDataParser.parse(text);
    assertFalse(cd.rewindPossible());
    assertFalse(cd.shutDownCleanly());
    assertEquals("in production", cd.clusterState());
  }

  @Test
  void rejectsOutputWithoutSystemIdentifier() {
    assertThrows(IllegalArgumentException.class, () -> ControlDataParser.parse("pg_controldata: error: x\n"));
  }
}
