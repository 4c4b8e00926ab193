package io.vigil.ha;

import io.vigil.config.GlobalConfig;
import io.vigil.config.GlobalConfig.SynchronousMode;
import java.util.List;
import java.util.Map;

/** Dynamic configurations for the engine tests: Patroni's defaults, changed one setting at a time. */
final class Configs {
  int ttl = 30;
  int loopWait = 10;
  long maximumLagOnFailover = 1048576;
  long maximumLagOnSyncnode = -1;
  int primaryStartTimeout = 300;
  int primaryRaceBackoff = 0;
  SynchronousMode synchronousMode = SynchronousMode.OFF;
  boolean strict;
  int synchronousNodeCount = 1;
  boolean failsafeMode;
  boolean checkTimeline;
  boolean pause;
  Map<String, Object> standbyCluster;
  boolean usePgRewind = true;
  boolean removeOnDiverged;
  boolean removeOnRewindFailure;
  boolean watchdogRequired;
  boolean replicaMethodWithoutLeader;

  static Configs defaults() {
    return new Configs();
  }

  Configs primaryStartTimeout(int seconds) {
    primaryStartTimeout = seconds;
    return this;
  }

  Configs primaryRaceBackoff(int seconds) {
    primaryRaceBackoff = seconds;
    return this;
  }

  Configs synchronous() {
    synchronousMode = SynchronousMode.ON;
    return this;
  }

  Configs synchronousStrict() {
    synchronousMode = SynchronousMode.ON;
    strict = true;
    return this;
  }

  Configs quorum(int nodeCount) {
    synchronousMode = SynchronousMode.QUORUM;
    synchronousNodeCount = nodeCount;
    return this;
  }

  Configs synchronousStrictQuorum() {
    strict = true;
    return this;
  }

  Configs synchronousNodeCount(int count) {
    synchronousNodeCount = count;
    return this;
  }

  Configs maximumLagOnSyncnode(long lag) {
    maximumLagOnSyncnode = lag;
    return this;
  }

  Configs failsafe() {
    failsafeMode = true;
    return this;
  }

  Configs checkTimeline() {
    checkTimeline = true;
    return this;
  }

  Configs paused() {
    pause = true;
    return this;
  }

  Configs standbyCluster() {
    return standbyCluster(Map.of("host", "10.0.0.9", "port", 5432));
  }

  Configs standbyCluster(Map<String, Object> section) {
    standbyCluster = section;
    return this;
  }

  Configs noRewind() {
    usePgRewind = false;
    return this;
  }

  Configs removeDataDirectoryOnDivergedTimelines() {
    removeOnDiverged = true;
    return this;
  }

  Configs removeDataDirectoryOnRewindFailure() {
    removeOnRewindFailure = true;
    return this;
  }

  Configs watchdogRequired() {
    watchdogRequired = true;
    return this;
  }

  Configs replicaMethodWithoutLeader() {
    replicaMethodWithoutLeader = true;
    return this;
  }

  GlobalConfig global() {
    return new GlobalConfig(ttl, loopWait, 10, maximumLagOnFailover, maximumLagOnSyncnode, 0, primaryStartTimeout,
        0, primaryRaceBackoff, synchronousMode, strict, synchronousNodeCount, failsafeMode, checkTimeline, pause,
        1800, Map.of(), List.of(), standbyCluster, usePgRewind, true, Map.of(), List.of(),
        Map.of("ttl", ttl, "loop_wait", loopWait));
  }

  HaSettings settings() {
    return new HaSettings(global(), usePgRewind, removeOnRewindFailure, removeOnDiverged, replicaMethodWithoutLeader,
        true, watchdogRequired);
  }
}
