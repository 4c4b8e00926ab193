package io.vigil.clustertest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A reload of the local configuration (SIGHUP or {@code POST /reload}, Patroni's reload_config) reaches what it
 * configures: the member key's tags, postgresql.conf and the running server's settings (a parameter that needs a
 * restart is reported as {@code pending_restart}), and pg_hba.conf. Each change is made once through each path,
 * on one 2-node cluster: the edits are independent, so sharing it hides no fault.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReloadIT {
  private static final Duration BOOT = Duration.ofSeconds(120);
  /** A reload is applied within a cycle or two of the HA loop (loop_wait 2). */
  private static final Duration APPLIED = Duration.ofSeconds(30);
  private static final ObjectMapper JSON = new ObjectMapper();
  private TestCluster cluster;

  /** The two ways an operator asks for a reload. */
  private enum Trigger {
    SIGHUP(AgentNode::sighup),
    POST_RELOAD(n -> assertEquals(202, n.call("POST", "/reload", null).code(), "POST /reload"));

    final Consumer<AgentNode> send;

    Trigger(Consumer<AgentNode> send) {
      this.send = send;
    }
  }

  @BeforeAll
  void startCluster() throws Exception {
    cluster = new TestCluster("reload");
    cluster.addNode("r0", null);
    cluster.addNode("r1", null);
    cluster.startAll();
  }

  @AfterAll
  void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private AgentNode healthyLeader() {
    AgentNode leader = cluster.awaitLeader(BOOT);
    cluster.awaitStreaming(leader, replicas(leader), BOOT);
    return leader;
  }

  private List<AgentNode> replicas(AgentNode leader) {
    return cluster.nodes.stream().filter(n -> n != leader).toList();
  }

  private JsonNode memberKey(AgentNode node) throws Exception {
    String value = ((EtcdServer) cluster.etcd).get("/service/" + cluster.scope + "/members/" + node.name);
    return value.isEmpty() ? JSON.createObjectNode() : JSON.readTree(value);
  }

  private <T> void await(String what, java.util.function.Supplier<T> probe) {
    Timing.await(what, APPLIED, probe, cluster::describe);
  }

  @Test
  @Order(1)
  void changedTagsReachTheMemberKeyAndPatroniEndpoint() throws Exception {
    AgentNode replica = replicas(healthyLeader()).get(0);
    String tags = "  nofailover: false\n";
    for (Trigger trigger : Trigger.values()) {
      String value = "set-by-" + trigger.name().toLowerCase();
      String next = "  nofailover: false\n  noloadbalance: true\n  it_marker: " + value + "\n";
      String current = tags;
      replica.editConfig(yaml -> yaml.replace("tags:\n" + current, "tags:\n" + next));
      tags = next;
      trigger.send.accept(replica);
      await(trigger + ": tags in the member key", () -> {
        try {
          JsonNode t = memberKey(replica).path("tags");
          return value.equals(t.path("it_marker").asText()) && t.path("noloadbalance").asBoolean() ? t : null;
        } catch (Exception e) {
          return null;
        }
      });
      // GET /patroni shows what the last HA cycle published: the cycle that wrote the member key, or the next
      Timing.await(trigger + ": tags in GET /patroni", APPLIED, () -> {
        JsonNode t = replica.status() == null ? null : replica.status().path("tags");
        return t != null && value.equals(t.path("it_marker").asText()) && t.path("noloadbalance").asBoolean()
            ? t : null;
      }, () -> String.valueOf(replica.status()));
      // noloadbalance takes the member out of the read-only pool (Patroni's /replica answers 503)
      assertEquals(503, replica.get("/replica").code(), trigger + ": /replica with noloadbalance");
    }
  }

  @Test
  @Order(2)
  void changedParametersReachPostgresqlAndRestartOnesArePending() throws Exception {
    AgentNode leader = healthyLeader();
    // work_mem is reloadable (context user): applied by the reload itself
    leader.editConfig(yaml -> yaml.replace("    max_connections: 50\n",
        "    max_connections: 50\n    work_mem: 7MB\n"));
    Trigger.POST_RELOAD.send.accept(leader);
    await("work_mem applied after POST /reload", () -> "7MB".equals(leader.sql("SHOW work_mem")) ? Boolean.TRUE : null);
    assertTrue(Files.readString(leader.dataDir().resolve("postgresql.conf")).contains("work_mem = '7MB'"),
        "postgresql.conf has the new work_mem");

    leader.editConfig(yaml -> yaml.replace("    work_mem: 7MB\n", "    work_mem: 9MB\n"));
    Trigger.SIGHUP.send.accept(leader);
    await("work_mem applied after SIGHUP", () -> "9MB".equals(leader.sql("SHOW work_mem")) ? Boolean.TRUE : null);

    // shared_buffers needs a restart (context postmaster): written, not applied, reported as pending. (Local
    // max_connections would not do: like Patroni, Vigil takes it from the DCS only.)
    leader.editConfig(yaml -> yaml.replace("    shared_buffers: 16MB\n", "    shared_buffers: 24MB\n"));
    Trigger.SIGHUP.send.accept(leader);
    JsonNode status = Timing.await("pending_restart in GET /patroni", APPLIED, () -> {
      JsonNode s = leader.status();
      return s != null && s.path("pending_restart").asBoolean(false) ? s : null;
    }, () -> String.valueOf(leader.status()));
    JsonNode reason = status.path("pending_restart_reason").path("shared_buffers");
    assertEquals("16MB", reason.path("old_value").asText(), status.toString());
    assertEquals("24MB", reason.path("new_value").asText(), status.toString());
    assertEquals("16MB", leader.sql("SHOW shared_buffers"), "a postmaster parameter waits for the restart");
    assertTrue(Files.readString(leader.dataDir().resolve("postgresql.conf")).contains("shared_buffers = '24MB'"),
        "postgresql.conf has the new shared_buffers");
    Timing.await("pending_restart in the member key", APPLIED, () -> {
      try {
        return memberKey(leader).path("pending_restart").asBoolean(false) ? Boolean.TRUE : null;
      } catch (Exception e) {
        return null;
      }
    }, () -> "");

    TestCluster.CtlRun list = cluster.vigilctl(leader, "list");
    assertEquals(0, list.code(), list.out());
    String header = list.out().lines().filter(l -> l.startsWith("| Member ")).findFirst().orElse("");
    String row = list.out().lines().filter(l -> l.startsWith("| " + leader.name + " ")).findFirst().orElse("");
    List<String> columns = List.of(header.split("\\|")).stream().map(String::trim).toList();
    List<String> cells = List.of(row.split("\\|")).stream().map(String::trim).toList();
    int pending = columns.indexOf("Pending restart");
    assertTrue(pending > 0 && pending < cells.size(), "a Pending restart column: " + list.out());
    assertEquals("*", cells.get(pending), "the leader's Pending restart cell: " + list.out());
    String other = list.out().lines().filter(l -> l.startsWith("| " + replicas(leader).get(0).name + " "))
        .findFirst().orElse("");
    assertEquals("", List.of(other.split("\\|")).stream().map(String::trim).toList().get(pending),
        "the replica has nothing pending: " + list.out());
  }

  @Test
  @Order(3)
  void changedPgHbaIsWrittenAndReloaded() throws Exception {
    AgentNode leader = healthyLeader();
    leader.sql("DO $$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'hba_probe') THEN "
        + "CREATE ROLE hba_probe LOGIN PASSWORD 'hba-probe-secret'; END IF; END$$");
    assertEquals("1", connectAsProbe(leader), "host all all md5 lets hba_probe in");
    String reject = "  - host all hba_probe 127.0.0.1/32 reject\n";
    String allowAll = "  - host all all 127.0.0.1/32 md5\n";

    leader.editConfig(yaml -> yaml.replace(allowAll, reject + allowAll));
    Trigger.SIGHUP.send.accept(leader);
    String refused = Timing.await("hba_probe refused after SIGHUP", APPLIED, () -> {
      String out = connectAsProbe(leader);
      return out.contains("pg_hba.conf rejects") ? out : null;
    }, () -> connectAsProbe(leader));
    assertTrue(Files.readString(leader.dataDir().resolve("pg_hba.conf"))
        .contains("host all hba_probe 127.0.0.1/32 reject"), "pg_hba.conf has the new line: " + refused);
    assertEquals("1", leader.sql("SELECT 1"), "the superuser still gets in");

    leader.editConfig(yaml -> yaml.replace(reject, ""));
    Trigger.POST_RELOAD.send.accept(leader);
    await("hba_probe accepted again after POST /reload",
        () -> "1".equals(connectAsProbe(leader)) ? Boolean.TRUE : null);
  }

  /** "1" when hba_probe gets in, else psql's complaint. */
  private static String connectAsProbe(AgentNode node) {
    try {
      return node.psqlAs("hba_probe", "hba-probe-secret", "SELECT 1", 10);
    } catch (IllegalStateException e) {
      return e.getMessage();
    }
  }
}
