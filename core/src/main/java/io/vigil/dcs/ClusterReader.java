package io.vigil.dcs;

import io.vigil.cluster.Cluster;
import io.vigil.cluster.ClusterConfig;
import io.vigil.cluster.Failover;
import io.vigil.cluster.Failsafe;
import io.vigil.cluster.Leader;
import io.vigil.cluster.Member;
import io.vigil.cluster.PatroniJson;
import io.vigil.cluster.PatroniJson.MalformedValueException;
import io.vigil.cluster.Status;
import io.vigil.cluster.SyncState;
import io.vigil.cluster.TimelineHistory;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds a {@link Cluster} from the raw keys of one cluster prefix, the same way for every backend (Patroni's
 * {@code _cluster_from_nodes}).
 *
 * <p>Malformed values never fail the read. Each is reported once per (key, value) with the key and the reason,
 * and then read the way Patroni reads it:
 * <ul>
 *   <li>{@code config}, {@code status}, {@code history}, {@code failsafe}, {@code failover}: absent (a
 *       malformed {@code history} therefore gives timeline 0, "unknown");</li>
 *   <li>{@code sync}: an empty sync state that keeps the key's version, so the leader can replace it with a
 *       CAS write;</li>
 *   <li>{@code members/<name>}: the member with empty data, like Patroni's {@code Member.from_node}; it
 *       counts as a member but has no conn_url or api_url.</li>
 * </ul>
 * Thread-safe; one instance per {@link Dcs} so that "once" means once per agent.
 */
public final class ClusterReader {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterReader.class);
  private static final int REMEMBERED = 1024;

  private final DcsKeys keys;
  private final BiConsumer<String, String> warn;
  private final Set<String> reported = Collections.synchronizedSet(Collections.newSetFromMap(
      new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
          return size() > REMEMBERED;
        }
      }));

  /** Reports malformed values to the log as {@code WARNING}. */
  public ClusterReader(DcsKeys keys) {
    this(keys, (key, reason) -> LOG.warn("ignoring malformed value of {}: {}", key, reason));
  }

  /**
   * @param warn called once per (key, value) with the full key and the reason
   */
  public ClusterReader(DcsKeys keys, BiConsumer<String, String> warn) {
    this.keys = keys;
    this.warn = warn;
  }

  /**
   * @param nodes relative key (as {@link DcsKeys#relative}) → stored value; keys outside Patroni's layout
   *     are ignored
   */
  public Cluster read(Map<String, StoredValue> nodes) {
    String initialize = value(nodes, DcsKeys.INITIALIZE);
    ClusterConfig config = parse(nodes, DcsKeys.CONFIG, v -> PatroniJson.readConfig(v.value(), v.version()));
    Status status = parse(nodes, DcsKeys.STATUS, v -> PatroniJson.readStatus(v.value()));
    if (status == null) {
      StoredValue legacy = nodes.get(DcsKeys.OPTIME_LEADER);
      status = legacy == null ? Status.empty() : new Status(PatroniJson.readLegacyOptime(legacy.value()), null, null);
    }
    List<Member> members = new ArrayList<>();
    for (Map.Entry<String, StoredValue> e : new TreeMap<>(nodes).entrySet()) {
      String name = DcsKeys.memberName(e.getKey());
      if (name != null) {
        members.add(member(name, e.getKey(), e.getValue()));
      }
    }
    Leader leader = null;
    StoredValue leaderNode = nodes.get(DcsKeys.LEADER);
    if (leaderNode != null) {
      String name = leaderNode.value();
      Member member = members.stream().filter(m -> m.name().equals(name)).findFirst()
          .orElseGet(() -> new Member(name, -1, null, Map.of()));
      leader = new Leader(leaderNode.version(), leaderNode.session(), member);
    }
    Failover failover = parse(nodes, DcsKeys.FAILOVER, v -> PatroniJson.readFailover(v.value(), v.version()));
    SyncState sync = null;
    StoredValue syncNode = nodes.get(DcsKeys.SYNC);
    if (syncNode != null) {
      sync = parse(nodes, DcsKeys.SYNC, v -> PatroniJson.readSync(v.value(), v.version()));
      if (sync == null) {
        sync = SyncState.empty(syncNode.version());
      }
    }
    TimelineHistory history = parse(nodes, DcsKeys.HISTORY, v -> PatroniJson.readHistory(v.value(), v.version()));
    Failsafe failsafe = parse(nodes, DcsKeys.FAILSAFE, v -> PatroniJson.readFailsafe(v.value()));
    return new Cluster(initialize, config, leader, status, members, failover, sync, history, failsafe);
  }

  private Member member(String name, String relative, StoredValue node) {
    try {
      return PatroniJson.readMember(name, node.value(), node.version(), node.session());
    } catch (MalformedValueException e) {
      report(relative, node.value(), e.getMessage());
      return new Member(name, node.version(), node.session(), Map.of());
    }
  }

  private static String value(Map<String, StoredValue> nodes, String key) {
    StoredValue v = nodes.get(key);
    return v == null ? null : v.value();
  }

  private interface Parser<T> {
    T parse(StoredValue v) throws MalformedValueException;
  }

  private <T> T parse(Map<String, StoredValue> nodes, String relative, Parser<T> parser) {
    StoredValue v = nodes.get(relative);
    if (v == null) {
      return null;
    }
    try {
      return parser.parse(v);
    } catch (MalformedValueException e) {
      report(relative, v.value(), e.getMessage());
      return null;
    }
  }

  private void report(String relative, String value, String reason) {
    if (reported.add(relative + '\u0000' + value)) {
      warn.accept(keys.key(relative), reason);
    }
  }
}
