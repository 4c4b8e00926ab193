package io.vigil.cluster;

import java.time.OffsetDateTime;

/**
 * The {@code failover} key: a pending manual failover or switchover. Cleared by writing {@code {}}, which reads
 * back as absent.
 *
 * @param leader the member to move away from (switchover), may be null (failover)
 * @param candidate the member to promote ({@code "member"} in JSON), may be null for a switchover
 * @param scheduledAt null for "now"
 */
public record Failover(long version, String leader, String candidate, OffsetDateTime scheduledAt) {}
