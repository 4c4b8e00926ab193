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
 * The synchronous-replication planner of the primary (SPEC §6.6), pure: from {@code pg_stat_replication}, the
 * members, the current {@code /sync} and {@code synchronous_standby_names}, it works out the new values and the
 * order in which to write them.
 *
 * <p>Deliberate simplifications against Patroni, all on the safe side:
 * <ul>
 *   <li>a standby counts as confirmed when it is listed in the current synchronous_standby_names and is shown
 *       as {@code sync} (quorum: {@code quorum}) or is already in {@code /sync}; Patroni additionally waits for
 *       it to reach the flush LSN of the moment the value changed. Since {@code /sync} is only ever extended in
 *       a later cycle than the one that changed synchronous_standby_names, a standby must have been reported
 *       synchronous by PostgreSQL itself first;</li>
 *   <li>quorum mode moves to the target in one step (synchronous_standby_names first when voters are only
 *       added, {@code /sync} first otherwise) instead of Patroni's multi-step QuorumStateResolver.</li>
 * </ul>
 */
public final class SyncStandbys {

  /** What PostgreSQL gets in strict mode when no standby can be synchronous: commits wait. */
  public static final String STRICT_PLACEHOLDER = "__patroni_strict_sync_replica_placeholder__";

  private static final Pattern PLAIN_NAME = Pattern.compile("^[A-Za-z_][A-Za-z_0-9$]*$");

  private SyncStandbys() {}

  /**
   * The outcome.
   *
   * @param synchronousStandbyNames the value PostgreSQL should end with ("" = no synchronous standby)
   * @param syncStandbys the {@code /sync} members to end with (sorted)
   * @param quorum the {@code /sync} quorum to end with; null in priority mode
   * @param steps the writes, in order; empty when everything is in place
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
   * @param primaryLsn the primary's flush LSN, the lag reference when only one standby streams
   */
  public static Plan plan(String leader, List<ReplicationRow> rows, List<Member> members, SyncState current,
      String currentSsn, long primaryLsn, GlobalConfig config) {
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
    String confirmedState = quorumMode ? "quorum" : "sync";
    for (Candidate c : ordered) {
      if (maxLag > 0 && maxLsn - c.lsn() > maxLag) {
        continue;
      }
      boolean ready = ssnMembers.contains(c.name().toLowerCase(Locale.ROOT))
          && (confirmedState.equals(c.syncState()) || (!quorumMode && current != null && current.matches(c.name())));
      if (quorumMode) {
        // nofailover standbys only fill up to the node count: they cannot win the vote, so they dilute it
        if (!c.nofailover() || active.size() < count) {
          active.add(c.name());
          if (ready) {
            confirmed.add(c.name());
          }
        }
      } else {
        active.add(c.name());
        if (ready && "sync".equals(c.syncState())) {
          confirmed.add(c.name());
        }
        if (active.size() >= count) {
          break;
        }
      }
    }
    return quorumMode
        ? planQuorum(leader, active, current, currentSsn, version, count, config.synchronousModeStrict())
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

  private static Plan planQuorum(String leader, TreeSet<String> voters, SyncState current, String currentSsn,
      Long version, int count, boolean strict) {
    int numSync = Math.min(count, voters.size());
    String ssn;
    int quorum;
    if (voters.isEmpty()) {
      ssn = strict ? "ANY 1 (" + STRICT_PLACEHOLDER + ")" : "";
      quorum = 0;
    } else {
      ssn = format(voters, numSync, true);
      // a promotion must see `quorum` other voters: together with any numSync acknowledgements that overlaps
      quorum = voters.size() - numSync;
    }
    List<String> currentVoters = current == null ? List.of() : current.syncStandbys();
    boolean syncInPlace = current != null && leader.equals(current.leader())
        && new TreeSet<>(currentVoters).equals(voters) && Integer.valueOf(quorum).equals(current.quorum());
    List<Action> steps = new ArrayList<>();
    Action writeSync = new Action.WriteSyncState(leader, List.copyOf(voters), quorum, version);
    Action applySsn = new Action.ApplySynchronousStandbyNames(ssn);
    boolean onlyAdding = voters.containsAll(currentVoters);
    if (onlyAdding) {
      if (!ssn.equals(currentSsn)) {
        steps.add(applySsn);
      }
      if (!syncInPlace) {
        steps.add(writeSync);
      }
    } else {
      if (!syncInPlace) {
        steps.add(writeSync);
      }
      if (!ssn.equals(currentSsn)) {
        steps.add(applySsn);
      }
    }
    return new Plan(ssn, List.copyOf(voters), quorum, steps);
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
