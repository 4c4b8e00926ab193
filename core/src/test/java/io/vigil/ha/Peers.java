package io.vigil.ha;

import java.util.LinkedHashMap;
import java.util.Map;

/** Answers of other members' {@code GET /patroni} during a leader race. */
final class Peers {
  private Peers() {}

  static PeerStatus replica(String name, long lsn) {
    return new PeerStatus(name, true, false, lsn, 1, false, 1, false);
  }

  static PeerStatus replicaWithPriority(String name, long lsn, int priority) {
    return new PeerStatus(name, true, false, lsn, 1, priority <= 0, priority, false);
  }

  static PeerStatus nofailover(String name, long lsn) {
    return new PeerStatus(name, true, false, lsn, 1, true, 0, false);
  }

  static PeerStatus watchdogFailed(String name, long lsn) {
    return new PeerStatus(name, true, false, lsn, 1, false, 1, true);
  }

  static PeerStatus primary(String name, long lsn) {
    return new PeerStatus(name, true, true, lsn, 1, false, 1, false);
  }

  static PeerStatus onTimeline(String name, long lsn, int timeline) {
    return new PeerStatus(name, true, false, lsn, timeline, false, 1, false);
  }

  static PeerStatus unreachable(String name) {
    return PeerStatus.unreachable(name);
  }

  static Map<String, PeerStatus> of(PeerStatus... peers) {
    Map<String, PeerStatus> map = new LinkedHashMap<>();
    for (PeerStatus p : peers) {
      map.put(p.name(), p);
    }
    return map;
  }
}
