package io.vigil.postgres;

import io.vertx.core.Future;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import io.vigil.cluster.Member;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the local server's replication slots match {@link ReplicationSlots#plan} (docs/postgres.md §6.4): reads
 * pg_replication_slots, drops unexpected inactive slots, creates missing ones (physical slots reserve WAL at once,
 * logical ones are created in their database), advances permanent physical slots on replicas.
 */
final class ReplicationSlotSync {
  private static final Logger LOG = LoggerFactory.getLogger(ReplicationSlotSync.class);

  private final PgConnections connections;
  private final String myName;
  /** The most a logical slot's creation may wait for running transactions ({@code pg_ctl_timeout}). */
  private final Duration logicalSlotBound;

  ReplicationSlotSync(PgConnections connections, String myName, Duration logicalSlotBound) {
    this.connections = connections;
    this.myName = myName;
    this.logicalSlotBound = logicalSlotBound;
  }

  /** @return the plan that was executed */
  Future<ReplicationSlots.Plan> sync(List<Member> members, Map<String, Map<String, Object>> permanentSlots,
      List<Map<String, Object>> ignoreSlots, Map<String, Long> statusSlots, boolean nofailover,
      boolean standbyCluster, boolean standbyLeader) {
    // one row even without slots (the outer join), so that the role comes in the same round trip
    return connections.withConnection("sync replication slots", conn -> conn.query(
            "SELECT pg_is_in_recovery(), s.slot_name, s.slot_type, s.plugin, s.database, s.restart_lsn::text, "
                + "s.active FROM (SELECT 1) AS one LEFT JOIN pg_replication_slots AS s ON NOT s.temporary").execute()
        .map(rows -> {
          List<ReplicationSlots.ExistingSlot> existing = new ArrayList<>();
          boolean inRecovery = true;
          for (Row r : rows) {
            inRecovery = r.getBoolean(0);
            if (r.getString(1) != null) {
              existing.add(new ReplicationSlots.ExistingSlot(r.getString(1), r.getString(2), r.getString(3),
                  r.getString(4), PgStateReader.lsnOrNull(r.getString(5)), r.getBoolean(6)));
            }
          }
          return ReplicationSlots.plan(myName, !inRecovery || standbyLeader, members, permanentSlots, ignoreSlots,
              existing, statusSlots, nofailover, standbyCluster);
        })
        .compose(plan -> execute(conn, plan).map(plan)));
  }

  private Future<Void> execute(SqlClient conn, ReplicationSlots.Plan plan) {
    Future<Void> chain = Future.succeededFuture();
    for (String name : plan.drop()) {
      chain = chain.compose(v -> conn.preparedQuery("SELECT pg_drop_replication_slot(slot_name) FROM "
              + "pg_replication_slots WHERE slot_name = $1 AND NOT active").execute(Tuple.of(name))
          .onSuccess(r -> LOG.info("dropped replication slot '{}'", name)).mapEmpty());
    }
    for (ReplicationSlots.Slot slot : plan.create()) {
      if (slot.physical()) {
        chain = chain.compose(v -> conn.preparedQuery("SELECT pg_create_physical_replication_slot($1, true)")
            .execute(Tuple.of(slot.name()))
            .onSuccess(r -> LOG.info("created physical replication slot '{}'", slot.name())).mapEmpty());
      } else {
        chain = chain.compose(v -> createLogicalSlot(slot));
      }
    }
    for (Map.Entry<String, Long> a : plan.advance().entrySet()) {
      chain = chain.compose(v -> conn.preparedQuery("SELECT pg_replication_slot_advance($1, $2::pg_lsn)")
          .execute(Tuple.of(a.getKey(), Lsn.format(a.getValue()))).mapEmpty());
    }
    return chain;
  }

  private Future<Void> createLogicalSlot(ReplicationSlots.Slot slot) {
    PgConnectOptions opts = connections.localConnectOptions().setDatabase(slot.database());
    // creating a logical slot waits for running transactions: no statement_timeout, pg_ctl_timeout at most
    opts.addProperty("statement_timeout", Long.toString(logicalSlotBound.toMillis()));
    return connections.oneShot(opts, "create logical replication slot " + slot.name(),
            logicalSlotBound.plus(PgConnections.CONNECT_TIMEOUT),
            c -> c.preparedQuery("SELECT pg_create_logical_replication_slot($1, $2)")
                .execute(Tuple.of(slot.name(), slot.plugin())))
        .onSuccess(r -> LOG.info("created logical replication slot '{}' ({}, {})", slot.name(), slot.plugin(),
            slot.database()))
        .mapEmpty();
  }
}
