package io.vigil.ha;

import io.vigil.config.Tags;
import io.vigil.postgres.PostgresRole;
import io.vigil.postgres.PostgresState;
import io.vigil.postgres.PostgresState.ReplicationRow;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * This node's state named after situations. The only place the tests build a {@link PostgresState}, so a field
 * added to that record changes one constructor call.
 */
final class Locals {
  static final Instant NOW = Instant.parse("2026-11-21T06:00:00Z");
  static final long NOW_MILLIS = 1_000_000L;

  private String name;
  private String state = "running";
  private PostgresRole role = PostgresRole.REPLICA;
  private boolean dataDirEmpty;
  private boolean running = true;
  private boolean inRecovery = true;
  private String systemId = Clusters.SYSID;
  private Integer timeline = 1;
  private Long lsn = Clusters.LSN;
  private String replicationState = "streaming";
  private final List<ReplicationRow> replication = new ArrayList<>();
  private boolean pendingRestart;
  private boolean queryFailed;
  private String postmasterStartTime = "2026-11-21 05:00:00.000+00";
  private Map<String, Object> tags = Map.of();
  private LocalState.DataDirectory dataDirectory = new LocalState.DataDirectory("in archive recovery", true, false);
  private LongAction longAction;
  private LongAction.Completed completed;
  private LeaderKeyWrite leaderKey = LeaderKeyWrite.NONE;
  private long nowMillis = NOW_MILLIS;
  private Instant now = NOW;
  private boolean shutdown;
  private LocalState.Requests requests = LocalState.Requests.NONE;
  private String ssn = "";
  private boolean rewindPossible = true;
  private LocalState.Divergence divergence;
  private LocalState.Watchdog watchdog = new LocalState.Watchdog(true, false, false);

  private Locals(String name) {
    this.name = name;
  }

  static Locals runningReplica(String name) {
    return new Locals(name);
  }

  /** Running primary that holds the key according to its last write. */
  static Locals runningPrimary(String name) {
    Locals l = new Locals(name);
    l.role = PostgresRole.PRIMARY;
    l.inRecovery = false;
    l.replicationState = null;
    l.leaderKey = LeaderKeyWrite.HELD;
    l.watchdog = new LocalState.Watchdog(true, true, false);
    l.dataDirectory = new LocalState.DataDirectory("in production", false, false);
    return l;
  }

  /** PostgreSQL crashed (not running); pg_control says how it was left. */
  static Locals crashedPrimary(String name) {
    Locals l = runningPrimary(name);
    l.state = "crashed";
    l.running = false;
    return l;
  }

  static Locals stoppedReplica(String name) {
    Locals l = new Locals(name);
    l.state = "stopped";
    l.running = false;
    l.replicationState = null;
    l.dataDirectory = new LocalState.DataDirectory("shut down in recovery", true, false);
    return l;
  }

  static Locals startingPrimary(String name) {
    Locals l = runningPrimary(name);
    l.state = "starting";
    return l;
  }

  static Locals emptyDataDirectory(String name) {
    Locals l = new Locals(name);
    l.state = "stopped";
    l.role = PostgresRole.UNINITIALIZED;
    l.dataDirEmpty = true;
    l.running = false;
    l.inRecovery = false;
    l.systemId = null;
    l.timeline = null;
    l.lsn = null;
    l.replicationState = null;
    l.dataDirectory = LocalState.DataDirectory.UNKNOWN;
    return l;
  }

  Locals withLsn(long value) {
    lsn = value;
    return this;
  }

  Locals withTimeline(Integer value) {
    timeline = value;
    return this;
  }

  Locals withSystemId(String value) {
    systemId = value;
    return this;
  }

  Locals withState(String value) {
    state = value;
    return this;
  }

  Locals withRole(PostgresRole value) {
    role = value;
    return this;
  }

  Locals promoted() {
    role = PostgresRole.PROMOTED;
    return this;
  }

  Locals notStreaming() {
    replicationState = "in archive recovery";
    return this;
  }

  Locals withTags(Map<String, Object> value) {
    tags = value;
    return this;
  }

  Locals nofailover() {
    return withTags(Map.of("nofailover", true));
  }

  Locals withControlData(String controlState, boolean standbySignal, boolean backupLabel) {
    dataDirectory = new LocalState.DataDirectory(controlState, standbySignal, backupLabel);
    return this;
  }

  Locals running(String actionName, LongAction.Kind kind, long startedMillis) {
    longAction = new LongAction(actionName, kind, startedMillis);
    return this;
  }

  Locals finished(String actionName, LongAction.Kind kind, boolean succeeded) {
    completed = new LongAction.Completed(new LongAction(actionName, kind, 0), succeeded);
    return this;
  }

  Locals withLeaderKey(LeaderKeyWrite value) {
    leaderKey = value;
    return this;
  }

  Locals at(long millis) {
    nowMillis = millis;
    return this;
  }

  Locals atWallClock(Instant value) {
    now = value;
    return this;
  }

  Locals shuttingDown() {
    shutdown = true;
    return this;
  }

  Locals withRestartRequest(LocalState.RestartRequest request) {
    requests = new LocalState.Requests(request, requests.reinitialize());
    return this;
  }

  Locals withReinitializeRequest(boolean force) {
    requests = new LocalState.Requests(requests.restart(), new LocalState.ReinitializeRequest(force, false));
    return this;
  }

  Locals withSynchronousStandbyNames(String value) {
    ssn = value;
    return this;
  }

  Locals withReplication(String app, String syncState, long flushLsn) {
    replication.add(new ReplicationRow("replicator", app, "127.0.0.1", "streaming", syncState, 1, flushLsn, flushLsn));
    return this;
  }

  Locals rewindImpossible() {
    rewindPossible = false;
    return this;
  }

  Locals diverged(boolean value) {
    divergence = value ? LocalState.Divergence.DIVERGED : LocalState.Divergence.NOT_DIVERGED;
    return this;
  }

  Locals withWatchdog(boolean usable, boolean active, boolean activationFailed) {
    watchdog = new LocalState.Watchdog(usable, active, activationFailed);
    return this;
  }

  /** PostgreSQL runs but the state query failed: the loop's snapshot has only unknown values. */
  Locals stateQueryFailed() {
    queryFailed = true;
    systemId = null;
    timeline = null;
    lsn = null;
    replicationState = null;
    replication.clear();
    return this;
  }

  Locals withPendingRestart() {
    pendingRestart = true;
    return this;
  }

  LocalState build() {
    PostgresState pg = new PostgresState(state, role, dataDirEmpty, running, inRecovery, systemId, timeline,
        lsn, inRecovery ? lsn : null, inRecovery ? lsn : null, lsn, null, false, replicationState, replication,
        null, 150000, queryFailed ? null : postmasterStartTime, pendingRestart, Map.of(), nowMillis, queryFailed);
    return new LocalState(name, new Tags(tags), pg, dataDirectory, longAction, completed, leaderKey, nowMillis, now,
        shutdown, requests, ssn, rewindPossible, divergence, watchdog);
  }
}
