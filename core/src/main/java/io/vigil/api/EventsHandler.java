package io.vigil.api;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vigil.events.EventType;
import io.vigil.taps.DropReason;
import io.vigil.taps.EventFilter;
import io.vigil.taps.EventJournal;
import io.vigil.taps.JournalEvent;
import io.vigil.taps.Tap;
import io.vigil.taps.TapSink;
import io.vigil.taps.TapStats;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /events}: the agent's events as Server-Sent Events (docs/rest-api.md "GET /events"). Each event is
 * {@code id: <seq>}, {@code event: <type>}, {@code data: <event JSON>}; {@code ?types=a,b} filters, the
 * {@code Last-Event-ID} header resumes from the journal's ring (a {@code gap} event first when events were lost),
 * {@code ?follow=false} ends the answer after the replay. A comment line every heartbeat keeps proxies from
 * closing a quiet stream and is when a stalled client is noticed.
 */
final class EventsHandler {
  private static final Logger LOG = LoggerFactory.getLogger(EventsHandler.class);
  static final long DEFAULT_HEARTBEAT_MILLIS = 15_000;
  /** A client that takes no bytes for this long is dropped (stalled); two heartbeats and some slack. */
  static final long DEFAULT_STALL_MILLIS = 45_000;
  private static final Buffer HEARTBEAT = Buffer.buffer(": heartbeat\n\n");

  private final Vertx vertx;
  private final EventJournal journal;
  private final long heartbeatMillis;
  private final long stallNanos;
  private final Set<Tap> open = ConcurrentHashMap.newKeySet();
  private final Map<Tap, HttpServerResponse> responses = new ConcurrentHashMap<>();
  private long timer = -1;

  EventsHandler(Vertx vertx, EventJournal journal, long heartbeatMillis, long stallMillis) {
    this.vertx = vertx;
    this.journal = journal;
    this.heartbeatMillis = heartbeatMillis;
    this.stallNanos = stallMillis * 1_000_000L;
  }

  /** Starts the heartbeat; call on the REST API's context. */
  void start() {
    timer = vertx.setPeriodic(heartbeatMillis, id -> heartbeat());
  }

  void stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    for (Tap tap : open) {
      tap.close();
    }
  }

  void events(ApiExchange ex) {
    EventFilter filter;
    try {
      filter = EventFilter.parse(ex.query.get("types"));
    } catch (EventFilter.UnknownTypeException e) {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("error", "unknown event type '" + e.unknown() + "' in types");
      body.put("type", e.unknown());
      body.put("known", Arrays.stream(EventType.values()).map(EventType::wireName).toList());
      ex.json(400, body);
      return;
    }
    Long lastEventId;
    try {
      lastEventId = lastEventId(ex);
    } catch (NumberFormatException e) {
      ex.json(400, Map.of("error", "Last-Event-ID must be a non-negative event sequence number, got '"
          + e.getMessage() + "'"));
      return;
    }
    List<String> followValues = ex.query.getOrDefault("follow", List.of("true"));
    String followValue = followValues.get(followValues.size() - 1);
    if (!followValue.equals("true") && !followValue.equals("false")) {
      ex.json(400, Map.of("error", "follow must be true or false, got '" + followValue + "'"));
      return;
    }
    boolean follow = followValue.equals("true");

    HttpServerResponse response = ex.startStream("text/event-stream; charset=utf-8",
        Map.of("Cache-Control", "no-cache", "X-Accel-Buffering", "no"));
    String peer = String.valueOf(ex.request.remoteAddress());
    Context context = vertx.getOrCreateContext();
    if (!follow) {
      replayOnce(response, filter, lastEventId == null ? 0 : lastEventId);
      return;
    }
    SseSink sink = new SseSink(ex, response);
    EventJournal.Subscription sub = journal.subscribe(TapStats.SSE, peer, filter, lastEventId, context, sink);
    Tap tap = sub.tap();
    open.add(tap);
    responses.put(tap, response);
    response.closeHandler(v -> forget(tap));
    response.exceptionHandler(e -> LOG.debug("events stream to {}: {}", peer, e.toString()));
    // this runs before the tap's first drain (scheduled on this same context): the gap comes first
    response.write(Buffer.buffer("retry: 2000\n" + (sub.gap() == null ? "" : gapFrame(sub.gap())) + "\n"));
    LOG.debug("events tap from {} connected (types {}, last id {}, {} replayed)", peer, filter.types(),
        lastEventId, sub.replayed());
  }

  private void replayOnce(HttpServerResponse response, EventFilter filter, long after) {
    StringBuilder body = new StringBuilder();
    List<JournalEvent> ring = journal.ring();
    long oldest = ring.isEmpty() ? 0 : ring.get(0).seq();
    long newest = ring.isEmpty() ? 0 : ring.get(ring.size() - 1).seq();
    if (after > newest) {
      body.append(gapFrame(new EventJournal.Gap("agent_restarted", after, 1, oldest)));
      after = 0;
    } else if (!ring.isEmpty() && after + 1 < oldest) {
      body.append(gapFrame(new EventJournal.Gap("ring_overflow", after, after + 1, oldest)));
    }
    for (JournalEvent e : ring) {
      if (e.seq() > after && filter.matches(e.event())) {
        body.append(frame(e));
      }
    }
    response.end(body.toString());
  }

  private void forget(Tap tap) {
    open.remove(tap);
    responses.remove(tap);
    tap.close();
  }

  private void heartbeat() {
    for (Tap tap : new ArrayList<>(open)) {
      HttpServerResponse r = responses.get(tap);
      if (tap.isClosed()) {
        open.remove(tap);
        responses.remove(tap);
      } else if (tap.checkStalled(stallNanos) && r != null) {
        r.write(HEARTBEAT);
      }
    }
  }

  /** Connected SSE taps (tests). */
  int openTaps() {
    return open.size();
  }

  static Long lastEventId(ApiExchange ex) {
    String header = ex.request.getHeader("Last-Event-ID");
    if (header == null || header.isBlank()) {
      return null;
    }
    long id;
    try {
      id = Long.parseLong(header.trim());
    } catch (NumberFormatException e) {
      throw new NumberFormatException(header);
    }
    if (id < 0) {
      throw new NumberFormatException(header);
    }
    return id;
  }

  static String frame(JournalEvent e) {
    return "id: " + e.seq() + "\nevent: " + e.event().type().wireName() + "\ndata: " + e.json() + "\n\n";
  }

  /** No {@code id:}: a gap notice must not move the client's Last-Event-ID. */
  static String gapFrame(EventJournal.Gap gap) {
    return "event: gap\ndata: {\"reason\":\"" + gap.reason() + "\",\"last_event_id\":" + gap.lastEventId()
        + ",\"first_missing\":" + gap.firstMissing() + ",\"first_available\":" + gap.firstAvailable() + "}\n\n";
  }

  private static final class SseSink implements TapSink {
    private final ApiExchange ex;
    private final HttpServerResponse response;

    SseSink(ApiExchange ex, HttpServerResponse response) {
      this.ex = ex;
      this.response = response;
    }

    @Override
    public boolean writeQueueFull() {
      return response.writeQueueFull();
    }

    @Override
    public void deliver(JournalEvent event) {
      response.write(frame(event));
    }

    @Override
    public void onDrain(Runnable resume) {
      response.drainHandler(v -> {
        response.drainHandler(null);
        resume.run();
      });
    }

    @Override
    public void drop(DropReason reason) {
      // the client is not reading: nothing more can be said to it, close the connection
      ex.request.connection().close();
    }
  }
}
