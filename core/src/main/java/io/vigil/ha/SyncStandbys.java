package io.vigil.ha;

import io.vigil.cluster.Member;
import io.vigil.cluster.SyncState;
import io.vigil.config.GlobalConfig;
import io.vigil.postgres.PostgresState.ReplicationRow;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The synchronous-replication planner of the primary (docs/postgres.md §6.6), pure: from {@code pg_stat_replication}, the
 * members, the current {@code /sync} and {@code synchronous_standby_names}, it works out the new values and the
 * order in which to write them.
 *
 * <p>As in Patroni's {@code sync.py}, a standby that is not yet in {@code /sync} counts as synchronous only when it
 * is listed in synchronous_standby_names, PostgreSQL shows it as {@code sync} (quorum: {@code quorum} or
 * {@code sync}), and its flush position has reached the primary's flush LSN of the moment synchronous_standby_names
 * took its current value ({@link HaMemory.SsnChange}): only then does it hold every commit acknowledged before.
 *
 * <p>Quorum mode follows Patroni's {@code QuorumStateResolver}: when numsync or quorum grows, the growing write comes
 * first; new standbys join the voters before synchronous_standby_names (synchronous_standby_names first when it was
 * empty, and voters only once a standby is confirmed); gone standbys leave synchronous_standby_names before the
 * voters (the voters first when synchronous_standby_names would become empty). Vigil writes one step per cycle and
 * re-reads both values before the next, so every state PostgreSQL or a racing replica can observe keeps the
 * invariant that any {@code quorum} voters overlap any set of standbys that acknowledged a commit.
 */
public final class SyncStandbys {

  /** What PostgreSQL gets in strict mode when no standby can be synchronous: commits wait. */
  public static final String STRICT_PLACEHOLDER = "__patroni_strict_sync_replica_placeholder__";

  private static final Pattern PLAIN_NAME = Pattern.compile("^[A-Za-z_][A-Za-z_0-9$]*$");

  private SyncStandbys() {}

  /**
   * The outcome: the values once this cycle's steps are written. In quorum mode that is one step of possibly
   * several towards the target; the next cycle plans the next step from what it reads back.
   *
   * @param synchronousStandbyNames the value PostgreSQL ends the cycle with ("" = no synchronous standby)
   * @param syncStandbys the {@code /sync} members the cycle ends with (sorted)
   * @param quorum the {@code /sync} quorum the cycle ends with; null in priority mode
   * @param steps the writes, in order; empty when everything is in place (or must wait, as for a standby that
   *     has not yet reached the LSN of the synchronous_standby_names change)
   */
  public record Plan(String synchronousStandbyNames, List<String> syncStandbys, Integer quorum, List<Action> steps) {
    public Plan {
      syncStandbys = List.copyOf(syncStandbys);
      steps = List.copyOf(steps);
    }
  }

  /**
   * Plans one cycle of synchronous replication on the primary {@code leader}.
   *
   * @param rows pg_stat_replication (flush LSN is the sort column, as with the default synchronous_commit)
   * @param members the cluster's members (their state, nosync/sync_priority/nofailover/replicatefrom tags)
   * @param current the {@code /sync} key, null when absent
   * @param currentSsn the current synchronous_standby_names ("" when empty)
   * @param primaryLsn the primary's flush LSN, the lag reference when only one standby streams; here also the
   *     LSN a standby new to {@code /sync} must have flushed (as if synchronous_standby_names changed just now)
   */
  public static Plan plan(String leader, List<ReplicationRow> rows, List<Member> members, SyncState current,
      String currentSsn, long primaryLsn, GlobalConfig config) {
    return plan(leader, rows, members, current, currentSsn, primaryLsn, primaryLsn, config);
  }

  /**
   * Plans one cycle of synchronous replication on the primary {@code leader}.
   *
   * @param ssnChangeLsn the primary's flush LSN when synchronous_standby_names took its current value: a standby
   *     not yet in {@code /sync} is confirmed only once its flush LSN reaches it
   */
  public static Plan plan(String leader, List<ReplicationRow> rows, List<Member> members, SyncState current,
      String currentSsn, long primaryLsn, long ssnChangeLsn, GlobalConfig config) {
    boolean quorumMode = config.synchronousMode() == GlobalConfig.SynchronousMode.QUORUM;
    List<Candidate> candidates = candidates(leader, rows, members);
    Set<String> ssnMembers = parseNames(currentSsn == null ? "" : currentSsn);
    List<String> currentSync = current == null ? List.of() : current.syncStandbys();
    Long version = current == null ? null : current.version();

    long maxLsn = candidates.size() > 1
        ? candidates.stream().mapToLong(Candidate::lsn).max().orElse(primaryLsn) : primaryLsn;
    int count = Math.max(1, config.synchronousNodeCount());
    long maxLag = config.maximumLagOnSyncnode();

    List<Candidate> ordered = new ArrayList<>(candidates);
    ordered.sort(Comparator.comparing(Candidate::nofailover)); // stable: promotable standbys first
    TreeSet<String> active = new TreeSet<>();
    TreeSet<String> confirmed = new TreeSet<>();
    for (Candidate c : ordered) {
      if (maxLag > 0 && maxLsn - c.lsn() > maxLag) {
        continue;
      }
      boolean shownSync = "sync".equals(c.syncState()) || quorumMode && "quorum".equals(c.syncState());
      // Patroni's _ready_replicas: named in synchronous_standby_names, and already in /sync or caught up with
      // the LSN of the change
      boolean ready = ssnMembers.contains(c.name().toLowerCase(Locale.ROOT))
          && (current != null && current.matches(c.name()) || shownSync && c.lsn() >= ssnChangeLsn);
      if (quorumMode) {
        // nofailover standbys only fill up to the node count: they cannot win the vote, so they dilute it
        if (!c.nofailover() || active.size() < count) {
          active.add(c.name());
          if (ready && shownSync) {
            confirmed.add(c.name());
          }
        }
      } else {
        active.add(c.name());
        if (ready && shownSync) {
          confirmed.add(c.name());
        }
        if (active.size() >= count) {
          break;
        }
      }
    }
    return quorumMode
        ? QuorumSteps.next(leader, active, confirmed.size(), current, currentSsn, count, config.synchronousModeStrict(),
            members)
        : planPriority(leader, active, confirmed, current, currentSync, currentSsn, version,
            config.synchronousModeStrict());
  }

  private static Plan planPriority(String leader, TreeSet<String> active, TreeSet<String> confirmed,
      SyncState current, List<String> currentSync, String currentSsn, Long version, boolean strict) {
    boolean leaderMatches = current != null && leader.equals(current.leader());
    TreeSet<String> common = new TreeSet<>(currentSync);
    common.retainAll(confirmed);
    String ssn = active.isEmpty() ? (strict ? STRICT_PLACEHOLDER : "") : format(active, null, false);
    List<Action> steps = new ArrayList<>();
    if (!ssn.equals(currentSsn)) {
      // shrink /sync to the standbys that stay synchronous before PostgreSQL stops waiting for the others
      if (!leaderMatches || !common.equals(new TreeSet<>(currentSync))) {
        steps.add(new Action.WriteSyncState(leader, List.copyOf(common), null, version));
      }
      steps.add(new Action.ApplySynchronousStandbyNames(ssn));
      return new Plan(ssn, List.copyOf(common), null, steps);
    }
    // synchronous_standby_names already in place: /sync lists exactly the standbys PostgreSQL confirms
    if (!leaderMatches || !confirmed.equals(new TreeSet<>(currentSync))) {
      steps.add(new Action.WriteSyncState(leader, List.copyOf(confirmed), null, version));
    }
    return new Plan(ssn, List.copyOf(confirmed), null, steps);
  }

  /**
   * Formats synchronous_standby_names as Patroni does: names sorted and double-quoted unless they are plain
   * identifiers (and not FIRST/ANY); one name alone; several as {@code N (a,b)} with N = their count (or
   * {@code num}); quorum mode always as {@code ANY num (...)}.
   */
  public static String format(Set<String> names, Integer num, boolean quorum) {
    if (names.isEmpty()) {
      return "";
    }
    List<String> quoted = new TreeSet<>(names).stream().map(SyncStandbys::quote).toList();
    String joined = String.join(",", quoted);
    if (quorum) {
      return "ANY " + (num == null ? quoted.size() : num) + " (" + joined + ")";
    }
    if (quoted.size() == 1) {
      return joined;
    }
    return (num == null ? quoted.size() : num) + " (" + joined + ")";
  }

  /** Patroni's {@code quote_standby_name}. */
  public static String quote(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    if (PLAIN_NAME.matcher(name).matches() && !lower.equals("first") && !lower.equals("any")) {
      return name;
    }
    return "\"" + name.replace("\"", "\"\"") + "\"";
  }

  /** The standby names listed in a synchronous_standby_names value, lower-cased (PostgreSQL compares them so). */
  static Set<String> parseNames(String ssn) {
    Set<String> names = new TreeSet<>();
    String s = ssn.trim();
    int open = s.indexOf('(');
    if (open >= 0 && s.endsWith(")")) {
      s = s.substring(open + 1, s.length() - 1);
    }
    StringBuilder token = new StringBuilder();
    boolean inQuotes = false;
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      if (ch == '"') {
        if (inQuotes && i + 1 < s.length() && s.charAt(i + 1) == '"') {
          token.append('"');
          i++;
        } else {
          inQuotes = !inQuotes;
        }
      } else if (ch == ',' && !inQuotes) {
        addName(names, token);
      } else if (inQuotes || !Character.isWhitespace(ch)) {
        token.append(ch);
      }
    }
    addName(names, token);
    names.remove(STRICT_PLACEHOLDER);
    return names;
  }

  private static void addName(Set<String> names, StringBuilder token) {
    if (!token.isEmpty()) {
      names.add(token.toString().toLowerCase(Locale.ROOT));
    }
    token.setLength(0);
  }

  private record Candidate(String name, String syncState, long lsn, boolean nofailover, int syncPriority) {}

  /** Rows that may become synchronous, best first: (sync_priority, sync_state, lsn) descending. */
  private static List<Candidate> candidates(String leader, List<ReplicationRow> rows, List<Member> members) {
    Map<String, Member> eligible = new LinkedHashMap<>();
    for (Member m : members) {
      if (m.isRunning() && !m.typedTags().nosync() && !m.name().equalsIgnoreCase(leader)) {
        eligible.put(m.name().toLowerCase(Locale.ROOT), m);
      }
    }
    Map<String, ReplicationRow> streaming = new LinkedHashMap<>();
    for (ReplicationRow r : rows) {
      if (r.applicationName() != null && r.flushLsn() != null
          && eligible.containsKey(r.applicationName().toLowerCase(Locale.ROOT))) {
        streaming.putIfAbsent(r.applicationName().toLowerCase(Locale.ROOT), r);
      }
    }
    List<Candidate> result = new ArrayList<>();
    for (var e : streaming.entrySet()) {
      Member m = eligible.get(e.getKey());
      if (cascades(eligible, streaming, m, 0)) {
        continue;
      }
      ReplicationRow r = e.getValue();
      result.add(new Candidate(m.name(), r.syncState() == null ? "async" : r.syncState(), r.flushLsn(),
          m.typedTags().nofailover(), m.typedTags().syncPriority()));
    }
    result.sort(Comparator.comparingInt(Candidate::syncPriority)
        .thenComparing(Candidate::syncState)
        .thenComparingLong(Candidate::lsn)
        .reversed());
    return result;
  }

  /** A replicatefrom chain that reaches a standby already streaming from us: this member should cascade. */
  private static boolean cascades(Map<String, Member> eligible, Map<String, ReplicationRow> streaming, Member m,
      int depth) {
    String upstream = m.typedTags().replicatefrom();
    if (upstream == null || depth > eligible.size()) {
      return false;
    }
    Member up = eligible.get(upstream.toLowerCase(Locale.ROOT));
    if (up == null) {
      return false;
    }
    if (up.typedTags().replicatefrom() == null) {
      return streaming.containsKey(up.name().toLowerCase(Locale.ROOT));
    }
    return cascades(eligible, streaming, up, depth + 1);
  }
}
