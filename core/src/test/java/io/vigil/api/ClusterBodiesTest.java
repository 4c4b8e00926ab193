package io.vigil.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vigil.cluster.Failover;
import io.vigil.patroni.PyJson;
import java.time.OffsetDateTime;
import org.junit.jupiter.api.Test;

class ClusterBodiesTest {

  @Test
  void clusterLikePatroni() {
    String json = PyJson.dumps(ClusterBodies.cluster(Fixtures.cluster(true, false), "anchor"));
    assertEquals("{\"members\": [{\"name\": \"pg1\", \"role\": \"sync_standby\", \"state\": \"streaming\", "
        + "\"api_url\": \"http://127.0.0.1:8008/patroni\", \"host\": \"127.0.0.1\", \"port\": 5432, \"timeline\": 4, "
        + "\"receive_lag\": 0, \"receive_lsn\": \"0/4040A28\", \"replay_lag\": 0, \"replay_lsn\": \"0/4040A28\", "
        + "\"lag\": 0, \"lsn\": \"0/4040A28\"}, "
        + "{\"name\": \"pg2\", \"role\": \"replica\", \"state\": \"streaming\", "
        + "\"api_url\": \"http://127.0.0.1:8009/patroni\", \"host\": \"127.0.0.1\", \"port\": 5433, \"timeline\": 4, "
        + "\"receive_lag\": 0, \"receive_lsn\": \"0/4040A28\", \"replay_lag\": 0, \"replay_lsn\": \"0/4040A28\", "
        + "\"lag\": 0, \"lsn\": \"0/4040A28\"}, "
        + "{\"name\": \"pg3\", \"role\": \"leader\", \"state\": \"running\", "
        + "\"api_url\": \"http://127.0.0.1:8010/patroni\", \"host\": \"127.0.0.1\", \"port\": 5434, \"timeline\": 4}], "
        + "\"scope\": \"anchor\"}", json);
  }

  @Test
  void pausedAndScheduledSwitchoverAreShown() {
    var c = Fixtures.withFailover(Fixtures.cluster(false, true),
        new Failover(3, "pg3", "pg1", OffsetDateTime.parse("2026-11-21T06:00:00+01:00")));
    String json = PyJson.dumps(ClusterBodies.cluster(c, "anchor"));
    assertEquals(true, json.endsWith("\"pause\": true, \"scheduled_switchover\": {\"at\": "
        + "\"2026-11-21T06:00:00+01:00\", \"from\": \"pg3\", \"to\": \"pg1\"}, \"scope\": \"anchor\"}"), json);
  }

  @Test
  void historyIsAListOfLists() {
    assertEquals("[[1, 67299200, \"no recovery target specified\", \"2026-11-21T04:56:50.313697+00:00\", \"pg3\"], "
        + "[2, 67319168, \"no recovery target specified\", \"2026-11-21T04:57:31.845697+00:00\", \"pg1\"], "
        + "[3, 67347608, \"no recovery target specified\", \"2026-11-21T04:58:13.393697+00:00\", \"pg3\"]]",
        PyJson.dumps(ClusterBodies.history(Fixtures.cluster(false, false))));
  }

  @Test
  void configIsWrittenAsPatroniStoresIt() {
    assertEquals("{\"ttl\": 30, \"loop_wait\": 10, \"retry_timeout\": 10, \"maximum_lag_on_failover\": 1048576, "
        + "\"synchronous_mode\": false, \"postgresql\": {\"use_pg_rewind\": true, \"use_slots\": true, \"parameters\": "
        + "{\"wal_level\": \"replica\", \"hot_standby\": \"on\", \"max_wal_senders\": 10, \"max_replication_slots\": "
        + "10, \"wal_log_hints\": \"on\", \"max_connections\": 100}}}",
        PyJson.dumps(Fixtures.cluster(false, false).config().data()));
  }
}
