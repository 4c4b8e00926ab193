package io.vigil.examples.eventtap;

import io.vertx.core.json.JsonObject;
import java.util.Optional;

/**
 * Turns one Vigil event (the JSON of Vigil's docs/events.md) into the line a platform team wants to see, or
 * nothing for the events this tap does not report. Pure, so that it is easy to change and to test.
 */
public final class EventLines {
  private EventLines() {}

  public static Optional<String> line(JsonObject event) {
    JsonObject data = event.getJsonObject("data", new JsonObject());
    String where = event.getString("time") + " " + event.getString("scope") + "/" + event.getString("member") + " ";
    String what = switch (event.getString("type", "")) {
      case "role_changed" -> "role " + data.getString("old") + " -> " + data.getString("new")
          + timeline(data) + (data.getString("reason") == null ? "" : ": " + data.getString("reason"));
      case "leader_changed" -> data.getString("new") == null ? "leader key gone (was " + data.getString("old") + ")"
          : "leader is now " + data.getString("new") + (data.getString("old") == null ? ""
          : " (was " + data.getString("old") + ")");
      case "failover_started" -> "FAILOVER started: " + data.getString("candidate") + " races for the leader key"
          + (data.getString("leader") == null ? "" : " (last leader " + data.getString("leader") + ")");
      case "failover_finished" -> "FAILOVER done: " + data.getString("candidate") + " is the new primary" + timeline(data)
          + (data.getString("leader") == null ? "" : ", replacing " + data.getString("leader"));
      case "failover_failed" -> "FAILOVER failed for " + data.getString("candidate") + ": " + data.getString("reason");
      case "switchover_started" -> "switchover started: " + data.getString("leader") + " steps down for "
          + (data.getString("candidate") == null ? "any healthy replica" : data.getString("candidate"));
      case "switchover_finished" -> "switchover done: " + data.getString("candidate") + " is the new primary"
          + timeline(data);
      case "switchover_failed" -> "switchover failed: " + data.getString("reason");
      default -> null;
    };
    return Optional.ofNullable(what).map(w -> where + w);
  }

  private static String timeline(JsonObject data) {
    Object tl = data.getValue("timeline");
    return tl == null ? "" : " (timeline " + tl + ")";
  }
}
