package io.vigil.cluster;

import java.util.List;
import java.util.Map;

/**
 * The {@code status} key: {@code {"optime":<lsn>,"slots":{...},"retain_slots":[...]}}.
 *
 * @param optime the leader's last reported WAL position, 0 when unknown
 * @param slots null when absent (not the same as empty)
 * @param retainSlots null when absent
 */
public record Status(long optime, Map<String, Long> slots, List<String> retainSlots) {
  public static Status empty() {
    return new Status(0, null, null);
  }
}
