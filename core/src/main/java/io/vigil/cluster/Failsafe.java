package io.vigil.cluster;

import java.util.Map;

/** The {@code failsafe} key: member name → api_url of every member that takes part in failsafe mode. */
public record Failsafe(Map<String, String> members) {
  public Failsafe {
    members = Map.copyOf(members);
  }
}
