package io.vigil.postgres;

/** The role written into the member key (docs/dcs-layout.md §1.2). */
public enum PostgresRole {
  PRIMARY("primary"),
  REPLICA("replica"),
  STANDBY_LEADER("standby_leader"),
  DEMOTED("demoted"),
  UNINITIALIZED("uninitialized"),
  PROMOTED("promoted");

  private final String patroniName;

  PostgresRole(String patroniName) {
    this.patroniName = patroniName;
  }

  /** The exact string Patroni writes. */
  public String patroniName() {
    return patroniName;
  }

  public static PostgresRole fromPatroniName(String name) {
    if ("master".equals(name)) {
      return PRIMARY;
    }
    for (PostgresRole r : values()) {
      if (r.patroniName.equals(name)) {
        return r;
      }
    }
    throw new IllegalArgumentException("unknown role '" + name + "'");
  }
}
