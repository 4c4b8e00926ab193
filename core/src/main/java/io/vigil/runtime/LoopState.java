package io.vigil.runtime;

import io.vertx.core.Future;
import io.vertx.core.eventbus.Message;
import io.vigil.bus.HaReply;
import io.vigil.cluster.Cluster;
import io.vigil.cluster.ClusterConfig;
import io.vigil.cluster.Failsafe;
import io.vigil.cluster.Member;
import io.vigil.cluster.Status;
import io.vigil.cluster.TimelineHistory;
import io.vigil.ha.HaMemory;
import io.vigil.ha.LeaderKeyWrite;
import io.vigil.ha.LocalState;
import io.vigil.ha.LongAction;
import io.vigil.postgres.PostgresState;
import java.util.Map;

/**
 * What the HA loop remembers between cycles besides the engine's own {@link HaMemory}: the outcomes of its
 * writes and long actions, REST requests waiting for the loop, and the last values written to the DCS (so that
 * unchanged values are not written again). Touched only on the loop's event-loop context.
 */
final class LoopState {
  HaMemory memory = HaMemory.initial();
  /**
   * The PostgreSQL state the member key was written with in this cycle, read after the cycle's actions; the
   * cycle's published status reuses it instead of reading the server a third time. Cleared when a cycle starts
   * acting.
   */
  PostgresState afterActions;
  LeaderKeyWrite leaderKey = LeaderKeyWrite.NONE;
  /**
   * This agent deleted its own leader key (release, graceful demote) and has not written it since: a renewal
   * must not bring it back while the loop's snapshot still shows our name.
   */
  boolean leaderKeyReleased;
  /**
   * This cycle wrote the leader key, or kept its primary in failsafe mode: published with the cycle's outcome,
   * it is what the watchdog is fed on (docs/watchdog.md §3). Cleared when a cycle starts.
   */
  boolean leaseConfirmed;
  /** The last ActivateWatchdog failed; handed to the engine once (LocalState.Watchdog#activationFailed). */
  boolean watchdogActivationFailed;

  /** The long action running now, as the engine sees it; null when idle. */
  LongAction running;
  /** The running long action's outcome; shutdown waits for it. */
  Future<?> runningAction;
  /** An in-cycle demote is stopping PostgreSQL; an overrunning cycle must not start a second stop. */
  boolean stepDownInProgress;
  /** Monotonic ms when the last round of {@code POST /failsafe} was sent. */
  long failsafeRoundSentMillis;
  /** A long action that finished since the last cycle; handed to the engine once. */
  LongAction.Completed completed;

  LocalState.RestartRequest restartRequest;
  /** The REST caller waiting for an immediate restart to finish, or null. */
  Message<Object> restartWaiter;
  /** The raw scheduled-restart request as the member key shows it. */
  Map<String, Object> scheduledRestart;
  LocalState.ReinitializeRequest reinitializeRequest;

  /** synchronous_standby_names as last applied by this agent ("" when unset). */
  String synchronousStandbyNames = "";
  /** False between a promotion and the end of its CHECKPOINT (published in the member key). */
  boolean checkpointAfterPromote = true;
  boolean failsafeActive;

  /** The leader learned from the last {@code POST /failsafe}, with its expiry (monotonic ms). */
  Member failsafeLeader;
  long failsafeLeaderUntilMillis;

  Cluster lastCluster;
  Cluster lastLeaderCluster;
  long dcsLastSeenEpochSeconds;
  /** The {@code /config} last applied to the settings and PostgreSQL; null before the first. */
  ClusterConfig lastConfig;

  Status lastStatusWritten;
  /**
   * The {@code /failsafe} members as last loaded or written, whichever came later (Patroni's
   * {@code AbstractDCS._last_failsafe}): the topology a cut-off primary checks may be newer than the last load.
   */
  Failsafe knownFailsafe;
  TimelineHistory lastHistoryWritten;

  String role = "uninitialized";
  boolean paused;
  boolean shutdownRequested;

  void reply(Message<Object> waiter, int code, String text) {
    if (waiter != null) {
      waiter.reply(new HaReply(code, text));
    }
  }
}
