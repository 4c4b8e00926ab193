package io.vigil.ha;

import io.vigil.cluster.Cluster;
import io.vigil.cluster.ClusterConfig;
import io.vigil.cluster.Failover;
import io.vigil.cluster.Failsafe;
import io.vigil.cluster.Leader;
import io.vigil.cluster.Member;
import io.vigil.cluster.Status;
import io.vigil.cluster.SyncState;
import io.vigil.cluster.TimelineHistory;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Cluster snapshots named after situations, like Patroni's {@code get_cluster_*} test helpers. Each factory
 * gives a builder; {@link #view()} turns it into what the loop would hand to the engine.
 */
final class Clusters {
  static final String SYSID = "7710484112634925804";
  static final long LSN = 50_000_000L;

  private String initialize = SYSID;
  private ClusterConfig config = new ClusterConfig(1, Map.of("ttl", 30, "loop_wait", 10));
  private String leader;
  private long optime = LSN;
  private final List<Member> members = new ArrayList<>();
  private Failover failover;
  private SyncState sync;
  private TimelineHistory history = new TimelineHistory(1, List.of());
  private Failsafe failsafe;
  private final Map<String, PeerStatus> peers = new LinkedHashMap<>();
  private Set<String> failsafeAcks;
  private boolean reachable = true;
  private Cluster lastLeaderCluster;

  private Clusters() {}

  /** Nothing in the DCS yet: nobody bootstrapped. */
  static Clusters empty() {
    Clusters c = new Clusters();
    c.initialize = null;
    c.config = null;
    c.history = null;
    c.optime = 0;
    return c;
  }

  /** Another node won the initialize race and is running initdb. */
  static Clusters bootstrapping() {
    Clusters c = empty();
    c.initialize = "";
    return c;
  }

  /** pg1 is the leader and primary; pg2 and pg3 stream from it. */
  static Clusters initializedWithLeader() {
    Clusters c = new Clusters();
    c.leader = "pg1";
    c.members.add(Members.primary("pg1"));
    c.members.add(Members.replica("pg2"));
    c.members.add(Members.replica("pg3"));
    return c;
  }

  /** The leader key expired (pg1 is gone); pg2 and pg3 remain, both at {@link #LSN}. */
  static Clusters initializedWithoutLeader() {
    Clusters c = new Clusters();
    c.members.add(Members.replica("pg2"));
    c.members.add(Members.replica("pg3"));
    c.peers.put("pg3", Peers.replica("pg3", LSN));
    return c;
  }

  Clusters withLeader(String name) {
    leader = name;
    if (members.stream().noneMatch(m -> m.name().equals(name))) {
      members.add(Members.primary(name));
    }
    return this;
  }

  Clusters withoutLeader() {
    leader = null;
    return this;
  }

  Clusters withInitialize(String value) {
    initialize = value;
    return this;
  }

  Clusters withoutConfig() {
    config = null;
    return this;
  }

  Clusters withMember(Member m) {
    members.removeIf(x -> x.name().equals(m.name()));
    members.add(m);
    return this;
  }

  Clusters withoutMember(String name) {
    members.removeIf(x -> x.name().equals(name));
    peers.remove(name);
    return this;
  }

  Clusters withOptime(long lsn) {
    optime = lsn;
    return this;
  }

  Clusters withTimeline(int timeline) {
    List<TimelineHistory.Line> lines = new ArrayList<>();
    for (int t = 1; t < timeline; t++) {
      lines.add(new TimelineHistory.Line(t, 1000L * t, "no recovery target specified", null, null));
    }
    history = new TimelineHistory(1, lines);
    return this;
  }

  Clusters withFailover(String from, String to) {
    failover = new Failover(7, from, to, null);
    return this;
  }

  Clusters withScheduledSwitchover(String from, String to, OffsetDateTime at) {
    failover = new Failover(7, from, to, at);
    return this;
  }

  Clusters withSync(String syncLeader, String... standbys) {
    sync = new SyncState(3, syncLeader, List.of(standbys), null);
    return this;
  }

  Clusters withQuorum(int quorum, String syncLeader, String... standbys) {
    sync = new SyncState(3, syncLeader, List.of(standbys), quorum);
    return this;
  }

  Clusters withFailsafe(String... names) {
    Map<String, String> m = new LinkedHashMap<>();
    for (String n : names) {
      m.put(n, "http://127.0.0.1:8008/patroni");
    }
    failsafe = new Failsafe(m);
    return this;
  }

  Clusters paused() {
    Map<String, Object> data = new LinkedHashMap<>(config == null ? Map.of() : config.data());
    data.put("pause", true);
    config = new ClusterConfig(2, data);
    return this;
  }

  /** Adds (or replaces) what a member answered on GET /patroni. */
  Clusters withPeer(PeerStatus peer) {
    peers.put(peer.name(), peer);
    return this;
  }

  Clusters withFailsafeAcks(String... names) {
    failsafeAcks = Set.of(names);
    return this;
  }

  /** The DCS did not answer this cycle; the engine sees the last snapshot. */
  Clusters unreachable() {
    reachable = false;
    return this;
  }

  Clusters previouslyLedBy(String name) {
    Cluster now = build();
    lastLeaderCluster = now.withLeader(new Leader(1, "s", Members.primary(name)));
    return this;
  }

  Cluster build() {
    Leader l = null;
    if (leader != null) {
      Member m = members.stream().filter(x -> x.name().equals(leader)).findFirst()
          .orElse(new Member(leader, 0, null, Map.of()));
      l = new Leader(5, "session-" + leader, m);
    }
    return new Cluster(initialize, config, l, new Status(optime, null, null), members, failover, sync, history,
        failsafe);
  }

  ClusterView view() {
    Cluster c = build();
    Cluster old = lastLeaderCluster != null ? lastLeaderCluster : c.isUnlocked() ? null : c;
    return new ClusterView(c, reachable, old, peers, failsafeAcks);
  }
}
