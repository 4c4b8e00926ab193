package io.vigil.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code replication_state} as patroni/postgresql/__init__.py {@code replication_state_from_parameters} derives
 * it: {@code in archive recovery} needs a {@code restore_command}; a replica that neither streams nor has one
 * reports none (docs/standby-cluster.md §4: a standby leader cut from its remote primary).
 */
class PgStateReaderTest {

  @ParameterizedTest(name = "in recovery {0}, receiver {1}, restore_command ''{2}'' -> {3}")
  @CsvSource(nullValues = "none", value = {
      "false, none,      '',              none",
      "false, none,      'cp /a/%f %p',   none",
      "true,  streaming, '',              streaming",
      "true,  streaming, 'cp /a/%f %p',   streaming",
      "true,  none,      '',              none",
      "true,  waiting,   '',              none",
      "true,  startup,   none,            none",
      "true,  none,      'cp /a/%f %p',   in archive recovery",
      "true,  stopping,  'cp /a/%f %p',   in archive recovery"})
  void replicationStateFollowsPatroni(boolean inRecovery, String receiver, String restoreCommand, String expected) {
    assertEquals(expected, PgStateReader.replicationState(inRecovery, receiver, restoreCommand));
  }
}
