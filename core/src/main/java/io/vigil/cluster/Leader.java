package io.vigil.cluster;

/**
 * The {@code leader} key: the bare member name, held by a lease/session.
 *
 * @param member the member key of that name, or a member with empty data when none exists (Patroni keeps
 *     such a leader; patronictl then shows nothing for it)
 */
public record Leader(long version, String session, Member member) {
  public String name() {
    return member.name();
  }
}
