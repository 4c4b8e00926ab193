package io.vigil.dcs.consul.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.dcs.consul.emulator.EmulatedStore.Outcome;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The emulator's rules, each from Consul's HTTP API documentation (the section is named on each test), checked
 * on the store alone with a hand-driven clock.
 */
class EmulatedStoreTest {
  private final AtomicLong now = new AtomicLong(1_000_000);
  private final EmulatedStore store = new EmulatedStore(now::get);

  private static byte[] text(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private boolean put(String key, String value, Long cas, String acquire, String release) {
    Outcome o = store.put(key, text(value), 0, cas, acquire, release);
    assertEquals(200, o.status(), o.body());
    return Boolean.parseBoolean(o.body());
  }

  private String session(String behavior, long ttlMillis, long lockDelayMillis) throws Exception {
    return store.createSession("s", "n", lockDelayMillis, behavior, ttlMillis, List.of(), 10_000).id();
  }

  /** KV Store API, "Create/Update Key", cas: 0 puts only if absent, else only if ModifyIndex matches. */
  @Test
  void casZeroCreatesOnlyAndCasIndexComparesModifyIndex() {
    assertTrue(put("service/a/initialize", "1", 0L, null, null));
    assertFalse(put("service/a/initialize", "2", 0L, null, null));
    long v = store.get("service/a/initialize").modifyIndex();
    assertFalse(put("service/a/initialize", "3", v - 1, null, null));
    assertTrue(put("service/a/initialize", "3", v, null, null));
    assertEquals("3", new String(store.get("service/a/initialize").value(), StandardCharsets.UTF_8));
    assertTrue(store.get("service/a/initialize").modifyIndex() > v, "every write moves ModifyIndex");
    assertEquals(store.get("service/a/initialize").createIndex(), v, "CreateIndex stays");
  }

  /** KV Store API, "Create/Update Key", acquire / release; "Read Key" response LockIndex and Session. */
  @Test
  void acquireLocksForOneSessionAndReleaseOnlyByTheHolder() throws Exception {
    String a = session("delete", 15_000, 0);
    String b = session("delete", 15_000, 0);
    assertTrue(put("k", "a", null, a, null));
    assertFalse(put("k", "b", null, b, null), "held by another session");
    assertTrue(put("k", "a2", null, a, null), "the holder may update it");
    assertEquals(1, store.get("k").lockIndex(), "re-acquiring by the holder does not count as a new lock");
    assertFalse(put("k", "x", null, null, b), "only the holder releases");
    assertTrue(put("k", "x", null, null, a));
    assertNull(store.get("k").session());
    assertTrue(put("k", "b", null, b, null));
    assertEquals(2, store.get("k").lockIndex());
    assertEquals(500, store.put("k", text("z"), 0, null, "no-such-session", null).status());
  }

  /** KV Store API: a plain PUT on a locked key changes the value and keeps the lock (Session stays). */
  @Test
  void plainPutKeepsTheLock() throws Exception {
    String a = session("delete", 15_000, 0);
    assertTrue(put("k", "a", null, a, null));
    assertTrue(put("k", "other", null, null, null));
    assertEquals(a, store.get("k").session());
  }

  /** Session API, "Create Session", TTL: invalidated only after up to twice the TTL; renew restarts it. */
  @Test
  void sessionExpiresAfterTwiceItsTtlAndRenewRestartsTheClock() throws Exception {
    String a = session("delete", 10_000, 0);
    assertTrue(put("k", "a", null, a, null));
    now.addAndGet(19_000);
    assertFalse(store.expireSessions());
    assertNotNull(store.renewSession(a));
    now.addAndGet(19_999);
    assertFalse(store.expireSessions(), "renewed 19.999 s ago: still within 2 × TTL");
    now.addAndGet(1);
    assertTrue(store.expireSessions());
    assertNull(store.session(a));
    assertNull(store.renewSession(a), "renewing an invalidated session is a 404");
  }

  /** Session API, "Create Session", Behavior: delete removes the held keys, release only unlocks them. */
  @Test
  void behaviorDeleteRemovesHeldKeysAndReleaseKeepsThem() throws Exception {
    String deleting = session("delete", 10_000, 0);
    String releasing = session("release", 10_000, 0);
    assertTrue(put("leader", "a", null, deleting, null));
    assertTrue(put("other", "b", null, releasing, null));
    long before = store.indexOf("", true);
    store.destroySession(deleting);
    store.destroySession(releasing);
    assertNull(store.get("leader"));
    assertNotNull(store.get("other"));
    assertNull(store.get("other").session());
    assertTrue(store.indexOf("leader", false) > before, "a deletion moves the index a blocking query waits on");
  }

  /** Sessions ("Consul Sessions", lock-delay): after an invalidation, acquires of its keys wait lock-delay. */
  @Test
  void lockDelayHoldsOffNewAcquiresAfterAnInvalidation() throws Exception {
    String a = session("release", 10_000, 15_000);
    String b = session("release", 10_000, 0);
    assertTrue(put("k", "a", null, a, null));
    store.destroySession(a);
    assertFalse(put("k", "b", null, b, null), "inside a's lock-delay");
    now.addAndGet(15_000);
    assertTrue(put("k", "b", null, b, null));
  }

  /** A released key (explicit ?release) has no lock-delay: it is free for the next acquirer at once. */
  @Test
  void explicitReleaseHasNoLockDelay() throws Exception {
    String a = session("release", 10_000, 15_000);
    String b = session("release", 10_000, 0);
    assertTrue(put("k", "a", null, a, null));
    assertTrue(put("k", "a", null, null, a));
    assertTrue(put("k", "b", null, b, null));
  }

  /** Session API, "Create Session": TTL between session_ttl_min and 24h; Behavior release or delete; checks exist. */
  @Test
  void invalidSessionsAreRefused() {
    EmulatedStore.Refused ttl = assertThrows(EmulatedStore.Refused.class,
        () -> store.createSession("s", "n", 0, "delete", 5_000, List.of(), 10_000));
    assertTrue(ttl.getMessage().startsWith("Invalid Session TTL"), ttl.getMessage());
    assertThrows(EmulatedStore.Refused.class, () -> store.createSession("s", "n", 0, "keep", 10_000, List.of(), 10_000));
    EmulatedStore.Refused check = assertThrows(EmulatedStore.Refused.class,
        () -> store.createSession("s", "n", 0, "delete", 10_000, List.of("service:x"), 10_000));
    assertTrue(check.getMessage().contains("Missing check"), check.getMessage());
  }

  /** KV Store API, "Delete Key": cas deletes only at the given ModifyIndex; recurse deletes the prefix. */
  @Test
  void deleteWithCasAndRecurse() {
    assertTrue(put("p/a", "1", null, null, null));
    assertTrue(put("p/b", "2", null, null, null));
    assertTrue(put("q", "3", null, null, null));
    long v = store.get("p/a").modifyIndex();
    assertFalse(store.delete("p/a", false, v + 100));
    assertNotNull(store.get("p/a"));
    assertTrue(store.delete("p/a", false, v));
    assertNull(store.get("p/a"));
    assertTrue(store.delete("p/", true, null));
    assertEquals(List.of("q"), store.list("").stream().map(EmulatedStore.Entry::key).toList());
  }

  /** Checks ("Health Checks", and Sessions: a critical check invalidates the sessions tied to it). */
  @Test
  void aCriticalCheckInvalidatesItsSessions() throws Exception {
    store.registerCheck("service:pg", new java.util.HashMap<>(java.util.Map.of("CheckID", "service:pg", "Status", "passing")));
    String a = store.createSession("s", "n", 0, "delete", 10_000, List.of("service:pg"), 10_000).id();
    assertTrue(put("leader", "a", null, a, null));
    store.updateCheck("service:pg", "critical");
    assertNull(store.session(a));
    assertNull(store.get("leader"));
  }
}
