package io.vigil.dcs.consul.emulator;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.LongSupplier;

/**
 * The state of one emulated Consul agent-and-server: the KV store, sessions and the Raft index, with the rules of
 * Consul's HTTP API (see {@link ConsulEmulator} for the sections). No I/O and no threads: the HTTP edge calls it
 * from one Vert.x context and drives expiry with {@link #expireSessions()}; the clock is a parameter so that the
 * rules can be checked without sleeping.
 */
final class EmulatedStore {
  /** Consul invalidates a session only after twice its TTL (the "up to double" of the Session API docs). */
  static final long TTL_MULTIPLIER = 2;

  /** One KV entry as the KV Store API returns it. */
  record Entry(String key, byte[] value, long flags, long createIndex, long modifyIndex, long lockIndex,
      String session) {}

  /** One session as the Session API returns it. */
  record Session(String id, String name, String node, long lockDelayMillis, String behavior, long ttlMillis,
      List<String> checks, long createIndex, long modifyIndex) {}

  private final LongSupplier clockMillis;
  private final TreeMap<String, Entry> kv = new TreeMap<>();
  /** Deleted keys and the index of their deletion, so a blocking query on a prefix wakes on deletes too. */
  private final Map<String, Long> tombstones = new HashMap<>();
  private final Map<String, Session> sessions = new LinkedHashMap<>();
  private final Map<String, Long> sessionDeadlines = new HashMap<>();
  /** Keys under lock-delay after their session was invalidated: key → the time acquires are allowed again. */
  private final Map<String, Long> lockDelayUntil = new HashMap<>();
  private final Map<String, Map<String, Object>> services = new TreeMap<>();
  private final Map<String, Map<String, Object>> checks = new TreeMap<>();
  private long index = 1;

  EmulatedStore(LongSupplier clockMillis) {
    this.clockMillis = clockMillis;
  }

  long index() {
    return index;
  }

  // ------------------------------------------------------------------------------------------------ KV

  Entry get(String key) {
    return kv.get(key);
  }

  List<Entry> list(String prefix) {
    return new ArrayList<>(kv.subMap(prefix, true, prefix + Character.MAX_VALUE, false).values());
  }

  /**
   * X-Consul-Index of a KV read: the highest index that changed anything under the prefix, deletions included,
   * so that a blocking query returns when a key under it is written or removed.
   */
  long indexOf(String prefix, boolean recurse) {
    long max = 0;
    for (Entry e : recurse ? list(prefix) : kv.containsKey(prefix) ? List.of(kv.get(prefix)) : List.<Entry>of()) {
      max = Math.max(max, e.modifyIndex());
    }
    for (Map.Entry<String, Long> t : tombstones.entrySet()) {
      if (recurse ? t.getKey().startsWith(prefix) : t.getKey().equals(prefix)) {
        max = Math.max(max, t.getValue());
      }
    }
    return max == 0 ? index : max;
  }

  /** The outcome of a KV write: the boolean Consul answers, or an error status with its text. */
  record Outcome(int status, String body) {
    static Outcome of(boolean done) {
      return new Outcome(200, Boolean.toString(done));
    }
  }

  /**
   * PUT /v1/kv/:key with its query parameters.
   *
   * @param cas null without {@code ?cas}; 0 means "only if absent"
   */
  Outcome put(String key, byte[] value, long flags, Long cas, String acquire, String release) {
    Entry existing = kv.get(key);
    if (cas != null && !(cas == 0 ? existing == null : existing != null && existing.modifyIndex() == cas)) {
      return Outcome.of(false);
    }
    long create = existing == null ? index + 1 : existing.createIndex();
    long lockIndex = existing == null ? 0 : existing.lockIndex();
    String session = existing == null ? null : existing.session();
    if (acquire != null) {
      if (!sessions.containsKey(acquire)) {
        return new Outcome(500, "invalid session \"" + acquire + "\"");
      }
      if (session != null && !session.equals(acquire)) {
        return Outcome.of(false);
      }
      Long delayedUntil = lockDelayUntil.get(key);
      if (session == null && delayedUntil != null && delayedUntil > clockMillis.getAsLong()) {
        return Outcome.of(false);
      }
      if (session == null) {
        lockIndex++;
        session = acquire;
      }
    } else if (release != null) {
      if (session == null || !session.equals(release)) {
        return Outcome.of(false);
      }
      session = null;
    }
    index++;
    kv.put(key, new Entry(key, value, flags, create, index, lockIndex, session));
    tombstones.remove(key);
    return Outcome.of(true);
  }

  /** DELETE /v1/kv/:key, with {@code ?recurse} and {@code ?cas}. */
  boolean delete(String key, boolean recurse, Long cas) {
    if (cas != null) {
      Entry existing = kv.get(key);
      if (existing == null || existing.modifyIndex() != cas) {
        // Consul's kvsDeleteCAS: a key that is already gone counts as deleted
        return existing == null;
      }
    }
    List<String> doomed = recurse ? list(key).stream().map(Entry::key).toList()
        : kv.containsKey(key) ? List.of(key) : List.of();
    if (!doomed.isEmpty()) {
      index++;
      for (String k : doomed) {
        kv.remove(k);
        tombstones.put(k, index);
      }
    }
    return true;
  }

  // ------------------------------------------------------------------------------------------------ sessions

  /** Why a session could not be created; the text Consul answers. */
  static final class Refused extends Exception {
    Refused(String message) {
      super(message);
    }
  }

  Session createSession(String name, String node, long lockDelayMillis, String behavior, long ttlMillis,
      List<String> sessionChecks, long ttlMinMillis) throws Refused {
    if (ttlMillis != 0 && (ttlMillis < ttlMinMillis || ttlMillis > 86_400_000L)) {
      throw new Refused("Invalid Session TTL '" + ttlMillis + "ms', must be between [" + ttlMinMillis
          + "ms=24h0m0s]");
    }
    if (!behavior.equals("release") && !behavior.equals("delete")) {
      throw new Refused("Invalid Behavior setting '" + behavior + "'");
    }
    for (String check : sessionChecks) {
      if (!check.equals("serfHealth") && !checks.containsKey(check)) {
        throw new Refused("Missing check '" + check + "' registration");
      }
    }
    index++;
    Session s = new Session(UUID.randomUUID().toString(), name, node, lockDelayMillis, behavior, ttlMillis,
        List.copyOf(sessionChecks), index, index);
    sessions.put(s.id(), s);
    armTimer(s);
    return s;
  }

  private void armTimer(Session s) {
    if (s.ttlMillis() > 0) {
      sessionDeadlines.put(s.id(), clockMillis.getAsLong() + TTL_MULTIPLIER * s.ttlMillis());
    }
  }

  /** PUT /v1/session/renew/:uuid; null when the session does not exist (404). */
  Session renewSession(String id) {
    Session s = sessions.get(id);
    if (s != null) {
      armTimer(s);
    }
    return s;
  }

  /**
   * After a restart every session gets a full 2 × TTL again: Consul resets the session timers when a server
   * becomes leader, so an outage of the servers does not expire the sessions by itself.
   */
  void resetSessionTimers() {
    sessions.values().forEach(this::armTimer);
  }

  Session session(String id) {
    return sessions.get(id);
  }

  List<Session> sessions() {
    return List.copyOf(sessions.values());
  }

  /** PUT /v1/session/destroy/:uuid: like an expiry, the session's locks follow its behavior. */
  void destroySession(String id) {
    invalidate(id);
  }

  /** Invalidates every session past its deadline; true when anything changed. */
  boolean expireSessions() {
    long now = clockMillis.getAsLong();
    List<String> expired = sessionDeadlines.entrySet().stream().filter(e -> e.getValue() <= now)
        .map(Map.Entry::getKey).toList();
    expired.forEach(this::invalidate);
    return !expired.isEmpty();
  }

  private void invalidate(String id) {
    Session s = sessions.remove(id);
    sessionDeadlines.remove(id);
    if (s == null) {
      return;
    }
    index++;
    long now = clockMillis.getAsLong();
    for (Entry e : new ArrayList<>(kv.values())) {
      if (!id.equals(e.session())) {
        continue;
      }
      if (s.lockDelayMillis() > 0) {
        lockDelayUntil.put(e.key(), now + s.lockDelayMillis());
      }
      if (s.behavior().equals("delete")) {
        kv.remove(e.key());
        tombstones.put(e.key(), index);
      } else {
        kv.put(e.key(), new Entry(e.key(), e.value(), e.flags(), e.createIndex(), index, e.lockIndex(), null));
      }
    }
  }

  // ------------------------------------------------------------------------------------------------ agent

  void registerService(String id, Map<String, Object> definition) {
    index++;
    services.put(id, definition);
  }

  boolean deregisterService(String id) {
    index++;
    checks.values().removeIf(c -> id.equals(c.get("ServiceID")));
    return services.remove(id) != null;
  }

  Map<String, Map<String, Object>> services() {
    return services;
  }

  void registerCheck(String id, Map<String, Object> check) {
    index++;
    checks.put(id, check);
  }

  Map<String, Map<String, Object>> checks() {
    return checks;
  }

  /** A check's new status; a session tied to a check that turns critical is invalidated, as Consul does. */
  void updateCheck(String id, String status) {
    Map<String, Object> check = checks.get(id);
    if (check == null || status.equals(check.get("Status"))) {
      return;
    }
    index++;
    check.put("Status", status);
    if (status.equals("critical")) {
      sessions.values().stream().filter(s -> s.checks().contains(id)).map(Session::id).toList()
          .forEach(this::invalidate);
    }
  }
}
