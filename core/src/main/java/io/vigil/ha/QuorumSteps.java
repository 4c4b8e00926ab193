package io.vigil.ha;

import io.vigil.cluster.Member;
import io.vigil.cluster.SyncState;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The next safe step of quorum-mode synchronous replication, in the order of Patroni's {@code QuorumStateResolver}
 * ({@code patroni/quorum.py}). Two values describe the state: PostgreSQL's synchronous_standby_names, "ANY {@code numsync} of
 * {@code sync}", says which standbys may acknowledge a commit; {@code /sync}, "{@code quorum} of {@code voters}",
 * says how many votes a replica needs to promote. Any set of {@code quorum} voters plus the candidate must overlap
 * any {@code numsync} members of {@code sync}: {@code |voters ∪ sync ∪ {leader}| <= quorum + numsync + 1}, and one of
 * the two sets contains the other.
 *
 * <p>Of the transitions Patroni would generate from the current state this returns only the first one that changes
 * something: each is checked against the invariant, and the next cycle starts again from what it reads back, so an
 * interrupted sequence (a failed write, a crash) resumes from whatever state was left.
 */
final class QuorumSteps {

  private static final Pattern NUMSYNC =
      Pattern.compile("^\\s*(?:ANY|FIRST)?\\s*(\\d+)\\s*\\(", Pattern.CASE_INSENSITIVE);

  /** What a transition did: chose the step, changed nothing (go on), or must stop for this cycle. */
  private enum Outcome { STEP, UNCHANGED, STOP }

  private final String leader;
  private final Set<String> active;
  private final int wanted;
  private final boolean strict;
  private final Long version;
  private final String currentSsn;
  private int confirmed;
  private int quorum;
  private Set<String> voters;
  private int numsync;
  private Set<String> sync;
  private Action step;

  private QuorumSteps(String leader, Set<String> active, int confirmed, SyncState current, String currentSsn,
      int wanted, boolean strict, List<Member> members) {
    this.leader = leader;
    this.active = names(active);
    this.confirmed = confirmed;
    this.wanted = wanted;
    this.strict = strict;
    this.version = current == null ? null : current.version();
    this.currentSsn = currentSsn == null ? "" : currentSsn;
    this.quorum = current == null || current.quorum() == null ? 0 : current.quorum();
    this.voters = names(current == null ? List.of() : current.syncStandbys());
    this.sync = names(SyncStandbys.parseNames(this.currentSsn).stream().map(n -> memberName(n, members)).toList());
    Matcher m = NUMSYNC.matcher(this.currentSsn);
    int parsed = sync.isEmpty() ? 0 : m.find() ? Integer.parseInt(m.group(1)) : 1;
    this.numsync = Math.min(parsed, sync.size()); // numsync can't be bigger than the number of listed nodes
  }

  /**
   * One cycle of quorum-mode planning for the primary {@code leader}.
   *
   * @param active the standbys that may vote (streaming, eligible), the target voters
   * @param confirmed how many of them are confirmed synchronous (caught up with the LSN of the ssn change)
   * @param wanted synchronous_node_count
   */
  static SyncStandbys.Plan next(String leader, Set<String> active, int confirmed, SyncState current,
      String currentSsn, int wanted, boolean strict, List<Member> members) {
    QuorumSteps q = new QuorumSteps(leader, active, confirmed, current, currentSsn, wanted, strict, members);
    if (current == null) {
      // sync mode just switched on: /sync names the leader, nobody can promote by votes yet
      q.step = new Action.WriteSyncState(leader, List.of(), 0, null);
      q.quorum = 0;
      q.voters = new TreeSet<>();
    } else {
      q.resolve(current.leader());
    }
    List<Action> steps = q.step == null ? List.of() : List.of(q.step);
    return new SyncStandbys.Plan(q.render(q.numsync, q.sync), List.copyOf(q.voters), q.quorum, steps);
  }

  private void resolve(String syncLeader) {
    if (!leader.equals(syncLeader)) {
      // after a failover: the former leader becomes a voter (Patroni's quorum.py: leader_wanted != leader)
      Set<String> newVoters = names(voters);
      newVoters.remove(leader);
      if (syncLeader != null) {
        newVoters.add(syncLeader);
      }
      if (!holds(quorum, newVoters, sync, numsync)) {
        newVoters = names(sync);
        quorum = Math.max(0, sync.size() - numsync);
      }
      voters = newVoters;
      step = write();
      return;
    }
    if (!holds(quorum, voters, sync, numsync)) {
      // Patroni's QuorumError: trust what PostgreSQL enforces and make the voters match it
      if (quorumUpdate(sync.size() - numsync, names(sync), true) != Outcome.UNCHANGED) {
        return;
      }
    }
    Set<String> syncActive = intersect(sync, active);
    if (confirmed == 0 && !syncActive.isEmpty()) {
      // after a restart or failover nothing was seen catching up yet: deduce it from /sync
      confirmed = Math.max(0, Math.min(syncActive.size(), voters.size() - quorum));
    }
    if (nonSteady() != Outcome.UNCHANGED || safetyMargin() != Outcome.UNCHANGED
        || removeGone() != Outcome.UNCHANGED || addNew() != Outcome.UNCHANGED
        || replicationFactor() != Outcome.UNCHANGED) {
      return;
    }
    String ssn = render(numsync, sync);
    if (!ssn.equals(currentSsn)) {
      // same members and count, other spelling (e.g. from priority mode, or the strict placeholder)
      step = new Action.ApplySynchronousStandbyNames(ssn);
    }
  }

  /** An interrupted sequence: one set is a proper subset of the other. */
  private Outcome nonSteady() {
    if (voters.containsAll(sync) && !sync.containsAll(voters)) {
      // voters ahead: evict the dead voters that are not synced, then start syncing the live ones
      Set<String> dead = minus(voters, union(sync, active));
      if (!dead.isEmpty()) {
        Set<String> v = minus(voters, dead);
        Outcome o = quorumUpdate(v.size() - numsync, v, minus(sync, active).isEmpty());
        if (o != Outcome.UNCHANGED) {
          return o;
        }
      }
      Set<String> add = minus(intersect(voters, active), sync);
      if (!add.isEmpty()) {
        return syncUpdate(numsync, union(sync, add));
      }
    } else if (sync.containsAll(voters) && !voters.containsAll(sync)) {
      // synchronous_standby_names ahead: drop its dead members, make the live ones voters, then drop the rest
      Set<String> dead = minus(sync, active);
      Set<String> remaining = minus(sync, dead);
      if (!dead.isEmpty() && !remaining.isEmpty() && (voters.isEmpty() || !intersect(remaining, voters).isEmpty())) {
        Outcome o = syncUpdate(Math.min(numsync, remaining.size()), remaining);
        if (o != Outcome.UNCHANGED) {
          return o;
        }
      }
      Set<String> add = intersect(minus(sync, voters), active);
      if (!add.isEmpty()) {
        Set<String> v = union(voters, add);
        Outcome o = quorumUpdate(v.size() - numsync, v, true);
        if (o != Outcome.UNCHANGED) {
          return o;
        }
      }
      Set<String> drop = minus(sync, voters);
      if (!drop.isEmpty()) {
        return syncUpdate(Math.min(numsync, sync.size() - drop.size()), minus(sync, drop));
      }
    }
    return Outcome.UNCHANGED;
  }

  /** Quorum or numsync bigger than needed, half way through a change of synchronous_node_count. */
  private Outcome safetyMargin() {
    if (!voters.equals(sync)) {
      return Outcome.UNCHANGED;
    }
    int all = voters.size();
    if (quorum + Math.min(numsync, confirmed) - all > 0) {
      if (numsync > wanted) {
        return syncUpdate(Math.max(wanted, all - quorum), sync);
      }
      return quorumUpdate(sync.size() - numsync, voters, true);
    }
    if (numsync == wanted && quorum + numsync - all > 0 && numsync > confirmed) {
      return quorumUpdate(sync.size() - numsync, voters, true);
    }
    return Outcome.UNCHANGED;
  }

  /** Standbys that stopped streaming leave: synchronous_standby_names first, unless it would become empty. */
  private Outcome removeGone() {
    Set<String> gone = minus(sync, active);
    if (gone.isEmpty()) {
      return Outcome.UNCHANGED;
    }
    if (gone.equals(sync)) {
      Outcome o = quorumUpdate(0, new TreeSet<>(), false);
      return o != Outcome.UNCHANGED ? o : syncUpdate(0, new TreeSet<>());
    }
    if (quorum > 0) {
      // reduce the quorum first: take out at most `quorum` nodes, in reverse order as Patroni does
      Set<String> remove = new TreeSet<>(gone.stream().sorted(java.util.Comparator.reverseOrder()).limit(quorum)
          .toList());
      Set<String> s = minus(sync, remove);
      int n = Math.min(wanted > numsync ? wanted : numsync, s.size());
      Outcome o = syncUpdate(n, s);
      if (o != Outcome.UNCHANGED) {
        return o;
      }
      Set<String> v = minus(voters, remove);
      return quorumUpdate(v.size() - numsync, v, minus(gone, remove).isEmpty());
    }
    int n = numsync - gone.size();
    Set<String> s = minus(sync, gone);
    Set<String> v = minus(voters, gone);
    int decrease = n - Math.min(wanted, s.size());
    int q = decrease != 0 ? Math.min(decrease, v.size() - 1) : 0;
    Outcome o = quorumUpdate(q, v, false);
    return o != Outcome.UNCHANGED ? o : syncUpdate(n, s);
  }

  /**
   * New standbys join: up to synchronous_node_count through synchronous_standby_names first (numsync grows), the
   * others through the voters first (quorum grows).
   */
  private Outcome addNew() {
    Set<String> add = minus(active, sync);
    if (add.isEmpty()) {
      return Outcome.UNCHANGED;
    }
    int syncWanted = Math.min(wanted, union(sync, add).size());
    int increase = syncWanted - numsync;
    if (increase > 0) {
      // with an empty synchronous_standby_names only the leader holds the data: all may be added at once
      Set<String> first = sync.isEmpty() ? add : new TreeSet<>(add.stream().sorted().limit(increase).toList());
      Outcome o = syncUpdate(numsync + (sync.isEmpty() ? increase : first.size()), union(sync, first));
      if (o != Outcome.UNCHANGED) {
        return o;
      }
      Set<String> v = union(voters, first);
      o = quorumUpdate(v.size() - syncWanted, v, true);
      if (o != Outcome.UNCHANGED) {
        return o;
      }
      add = minus(add, sync);
    }
    if (!add.isEmpty()) {
      Set<String> v = union(voters, add);
      Outcome o = quorumUpdate(v.size() - syncWanted, v, syncWanted > confirmed);
      return o != Outcome.UNCHANGED ? o : syncUpdate(syncWanted, union(sync, add));
    }
    return Outcome.UNCHANGED;
  }

  /** synchronous_node_count changed: raise numsync before lowering quorum; raise quorum before lowering numsync. */
  private Outcome replicationFactor() {
    int increase = Math.min(wanted, sync.size()) - numsync;
    if (increase > 0) {
      Outcome o = syncUpdate(numsync + increase, sync);
      return o != Outcome.UNCHANGED ? o : quorumUpdate(voters.size() - numsync, voters, true);
    }
    if (increase < 0) {
      if (quorum - increase < voters.size()) {
        Outcome o = quorumUpdate(voters.size() - numsync - increase, voters, wanted > confirmed);
        if (o != Outcome.UNCHANGED) {
          return o;
        }
      }
      return syncUpdate(numsync + increase, sync);
    }
    return Outcome.UNCHANGED;
  }

  // ---- the two writes ------------------------------------------------------------------------------------------

  /** Patroni's {@code quorum_update}: the {@code /sync} write, the quorum raised while standbys are unconfirmed. */
  private Outcome quorumUpdate(int q, Set<String> v, boolean adjust) {
    if (q < 0 || q > 0 && q >= v.size()) {
      return Outcome.STOP;
    }
    if (confirmed == 0 && voters.isEmpty()) {
      // nobody is known to have caught up: nobody may vote yet
      q = 0;
      v = new TreeSet<>();
    } else if (adjust) {
      q += Math.max(numsync - confirmed, 0);
    }
    if (q == quorum && v.equals(voters)) {
      return voters.isEmpty() ? Outcome.STOP : Outcome.UNCHANGED;
    }
    if (!holds(q, v, sync, numsync)) {
      return Outcome.STOP;
    }
    quorum = q;
    voters = names(v);
    step = write();
    return Outcome.STEP;
  }

  /** Patroni's {@code sync_update}: the synchronous_standby_names write. */
  private Outcome syncUpdate(int n, Set<String> s) {
    if (n < 0 || n > s.size()) {
      return Outcome.STOP;
    }
    if (n == numsync && s.equals(sync)) {
      return Outcome.UNCHANGED;
    }
    if (!holds(quorum, voters, s, n)) {
      return Outcome.STOP;
    }
    numsync = n;
    sync = names(s);
    step = new Action.ApplySynchronousStandbyNames(render(n, s));
    return Outcome.STEP;
  }

  private Action write() {
    return new Action.WriteSyncState(leader, List.copyOf(new TreeSet<>(voters)), quorum, version);
  }

  /** The invariant: any quorum of voters (plus the candidate) overlaps any numsync members of sync. */
  private boolean holds(int q, Set<String> v, Set<String> s, int n) {
    Set<String> withLeaderV = union(v, Set.of(leader));
    Set<String> withLeaderS = union(s, Set.of(leader));
    if (!v.isEmpty() && union(withLeaderV, withLeaderS).size() > q + n + 1) {
      return false;
    }
    return withLeaderS.containsAll(withLeaderV) || withLeaderV.containsAll(withLeaderS);
  }

  private String render(int n, Set<String> s) {
    if (s.isEmpty()) {
      return strict ? "ANY 1 (" + SyncStandbys.STRICT_PLACEHOLDER + ")" : "";
    }
    return SyncStandbys.format(s, Math.max(1, n), true);
  }

  // ---- case-insensitive name sets, as PostgreSQL compares standby names ------------------------------------

  private static Set<String> names(java.util.Collection<String> values) {
    Set<String> set = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
    set.addAll(values);
    return set;
  }

  private static Set<String> union(Set<String> a, Set<String> b) {
    Set<String> r = names(a);
    r.addAll(b);
    return r;
  }

  private static Set<String> minus(Set<String> a, Set<String> b) {
    Set<String> r = names(a);
    r.removeAll(names(b));
    return r;
  }

  private static Set<String> intersect(Set<String> a, Set<String> b) {
    Set<String> r = names(a);
    r.retainAll(names(b));
    return r;
  }

  private static String memberName(String lower, List<Member> members) {
    return members.stream().map(Member::name).filter(n -> n.toLowerCase(Locale.ROOT).equals(lower))
        .findFirst().orElse(lower);
  }
}
