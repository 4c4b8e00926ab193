package io.vigil.ctl;

import io.vigil.cluster.Cluster;
import io.vigil.cluster.Member;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Which members a command acts on (patronictl's {@code get_all_members} family), pure functions of a snapshot. */
public final class Members {
  private Members() {}

  /** {@code -r/--role} values of patronictl 4.x. */
  public enum Role {
    LEADER("leader"), PRIMARY("primary"), STANDBY_LEADER("standby-leader"), REPLICA("replica"), STANDBY("standby"),
    ANY("any");

    private final String text;

    Role(String text) {
      this.text = text;
    }

    @Override
    public String toString() {
      return text;
    }

    /** @throws UsageException for anything but the six names */
    public static Role parse(String value) {
      for (Role r : values()) {
        if (r.text.equals(value.toLowerCase(Locale.ROOT))) {
          return r;
        }
      }
      throw new UsageException("Invalid value for '--role' / '-r': '" + value
          + "' is not one of 'leader', 'primary', 'standby-leader', 'replica', 'standby', 'any'.");
    }
  }

  /** Members with {@code role}: the leader key's holder for the leader roles, others by name. */
  public static List<Member> all(Cluster cluster, Role role) {
    List<Member> out = new ArrayList<>();
    String leaderName = cluster.leaderName();
    if (role == Role.LEADER || role == Role.PRIMARY || role == Role.STANDBY_LEADER) {
      if (leaderName != null) {
        Member leader = cluster.leader().member();
        String dataRole = leader.role();
        if (role == Role.LEADER
            || role == Role.STANDBY_LEADER && !"primary".equals(dataRole)
            || role == Role.PRIMARY && !"standby_leader".equals(dataRole)) {
          out.add(leader);
        }
      }
      return out;
    }
    for (Member m : cluster.members()) {
      if (role == Role.ANY || !m.name().equals(leaderName)) {
        out.add(m);
      }
    }
    return out;
  }

  /**
   * The first member with {@code role} (default leader) or named {@code member}.
   *
   * @throws CtlException when both are given
   */
  public static Optional<Member> any(Cluster cluster, Role role, String member) {
    Role r = role;
    if (member != null) {
      if (role != null) {
        throw new CtlException("--role and --member are mutually exclusive options");
      }
      r = Role.ANY;
    } else if (r == null) {
      r = Role.LEADER;
    }
    return all(cluster, r).stream().filter(m -> member == null || m.name().equals(member)).findFirst();
  }

  /** Members with an api_url, the leader first: who to ask for cluster-wide REST actions. */
  public static List<Member> leaderFirst(Cluster cluster) {
    List<Member> out = new ArrayList<>();
    String leaderName = null;
    if (cluster.leaderName() != null && hasApi(cluster.leader().member())) {
      leaderName = cluster.leaderName();
      out.add(cluster.leader().member());
    }
    for (Member m : cluster.members()) {
      if (hasApi(m) && !m.name().equals(leaderName)) {
        out.add(m);
      }
    }
    return out;
  }

  private static boolean hasApi(Member m) {
    return m.apiUrl() != null && !m.apiUrl().isEmpty();
  }
}
