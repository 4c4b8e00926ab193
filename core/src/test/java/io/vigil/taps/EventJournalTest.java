package io.vigil.taps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vigil.events.EventType;
import io.vigil.events.VigilEvent;
import io.vigil.testing.Timing;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The ring, resume and gap rules, filters, and the bounded per-tap queue of {@link EventJournal}. */
class EventJournalTest {
  Vertx vertx;
  Context context;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    context = vertx.getOrCreateContext();
  }

  @AfterEach
  void tearDown() {
    vertx.close().await();
  }

  static VigilEvent event(long seq, EventType type) {
    return new VigilEvent(seq, 1_700_000_000_000L + seq, "demo", "node1", type, Map.of("n", seq));
  }

  /** A connection that takes everything, or nothing while {@code full} is set. */
  static final class RecordingSink implements TapSink {
    final List<Long> seqs = new ArrayList<>();
    volatile boolean full;
    volatile DropReason dropped;
    Runnable resume;

    @Override
    public boolean writeQueueFull() {
      return full;
    }

    @Override
    public synchronized void deliver(JournalEvent event) {
      seqs.add(event.seq());
    }

    @Override
    public void onDrain(Runnable resume) {
      this.resume = resume;
    }

    @Override
    public void drop(DropReason reason) {
      dropped = reason;
    }

    synchronized List<Long> seqs() {
      return new ArrayList<>(seqs);
    }
  }

  static List<Long> range(long from, long to) {
    List<Long> out = new ArrayList<>();
    for (long i = from; i <= to; i++) {
      out.add(i);
    }
    return out;
  }

  @Test
  void theRingKeepsOnlyTheLastEvents() {
    EventJournal journal = new EventJournal(10, 100);
    for (long i = 1; i <= 25; i++) {
      journal.append(event(i, EventType.HA_CYCLE));
    }
    assertEquals(range(16, 25), journal.ring().stream().map(JournalEvent::seq).toList());
    assertTrue(journal.ring().get(0).json().contains("\"seq\":16"), journal.ring().get(0).json());
  }

  @Test
  void resumeReplaysTheRingAfterTheLastIdThenLiveEventsWithoutGapOrDuplicate() {
    EventJournal journal = new EventJournal(100, 100);
    for (long i = 1; i <= 5; i++) {
      journal.append(event(i, EventType.HA_CYCLE));
    }
    RecordingSink sink = new RecordingSink();
    EventJournal.Subscription sub = journal.subscribe("sse", "t", EventFilter.ALL, 3L, context, sink);
    assertNull(sub.gap());
    for (long i = 6; i <= 8; i++) {
      journal.append(event(i, EventType.HA_CYCLE));
    }
    Timing.until("events 4..8 delivered", Duration.ofSeconds(5), Duration.ofMillis(5),
        () -> sink.seqs().equals(range(4, 8)));
    assertEquals(1, journal.stats().connectedCount("sse"));
  }

  @Test
  void withoutLastIdOnlyLiveEventsAndWithZeroTheWholeRing() {
    EventJournal journal = new EventJournal(100, 100);
    journal.append(event(1, EventType.HA_CYCLE));
    RecordingSink live = new RecordingSink();
    RecordingSink all = new RecordingSink();
    journal.subscribe("sse", "live", EventFilter.ALL, null, context, live);
    journal.subscribe("sse", "all", EventFilter.ALL, 0L, context, all);
    journal.append(event(2, EventType.HA_CYCLE));
    Timing.until("delivered", Duration.ofSeconds(5), Duration.ofMillis(5),
        () -> live.seqs().equals(List.of(2L)) && all.seqs().equals(List.of(1L, 2L)));
  }

  @Test
  void anIdOlderThanTheRingIsAGapAndAnIdAheadOfTheAgentMeansItRestarted() {
    EventJournal journal = new EventJournal(10, 100);
    for (long i = 1; i <= 30; i++) {
      journal.append(event(i, EventType.HA_CYCLE));
    }
    EventJournal.Subscription old = journal.subscribe("sse", "old", EventFilter.ALL, 5L, context,
        new RecordingSink());
    assertEquals(new EventJournal.Gap("ring_overflow", 5, 6, 21), old.gap());
    RecordingSink restartedSink = new RecordingSink();
    EventJournal.Subscription restarted = journal.subscribe("sse", "restarted", EventFilter.ALL, 500L, context,
        restartedSink);
    assertEquals(new EventJournal.Gap("agent_restarted", 500, 1, 21), restarted.gap());
    Timing.until("the whole ring replayed", Duration.ofSeconds(5), Duration.ofMillis(5),
        () -> restartedSink.seqs().equals(range(21, 30)));
  }

  @Test
  void filtersKeepOnlyTheNamedTypesAndRejectUnknownNames() {
    EventFilter roles = EventFilter.parse(List.of("role_changed, leader_changed", ""));
    assertTrue(roles.matches(event(1, EventType.ROLE_CHANGED)));
    assertTrue(roles.matches(event(1, EventType.LEADER_CHANGED)));
    assertTrue(!roles.matches(event(1, EventType.HA_CYCLE)));
    assertTrue(EventFilter.parse(null).matches(event(1, EventType.HA_CYCLE)));
    EventFilter.UnknownTypeException e = assertThrows(EventFilter.UnknownTypeException.class,
        () -> EventFilter.parse(List.of("role_changed,rol_changed")));
    assertEquals("rol_changed", e.unknown());

    EventJournal journal = new EventJournal(100, 100);
    RecordingSink sink = new RecordingSink();
    journal.subscribe("sse", "t", roles, null, context, sink);
    journal.append(event(1, EventType.HA_CYCLE));
    journal.append(event(2, EventType.ROLE_CHANGED));
    journal.append(event(3, EventType.HA_CYCLE));
    journal.append(event(4, EventType.LEADER_CHANGED));
    Timing.until("only role and leader changes", Duration.ofSeconds(5), Duration.ofMillis(5),
        () -> sink.seqs().equals(List.of(2L, 4L)));
  }

  @Test
  void aTapWhoseConnectionIsFullIsDroppedWhenItsQueueOverflowsAndOthersKeepReceiving() {
    EventJournal journal = new EventJournal(100, 5);
    RecordingSink stuck = new RecordingSink();
    stuck.full = true;
    RecordingSink healthy = new RecordingSink();
    journal.subscribe("sse", "stuck", EventFilter.ALL, null, context, stuck);
    journal.subscribe("bridge", "healthy", EventFilter.ALL, null, context, healthy);
    for (long i = 1; i <= 6; i++) {
      journal.append(event(i, EventType.HA_CYCLE));
      // a burst above the queue's capacity would overflow the healthy tap too: it reads each before the next
      long delivered = i;
      Timing.until("the healthy tap read " + i, Duration.ofSeconds(5), Duration.ofMillis(1),
          () -> healthy.seqs().size() == delivered);
    }
    Timing.until("the stuck tap dropped", Duration.ofSeconds(5), Duration.ofMillis(5),
        () -> stuck.dropped == DropReason.QUEUE_FULL);
    assertEquals(1, journal.stats().drops("sse", DropReason.QUEUE_FULL));
    assertEquals(0, journal.stats().connectedCount("sse"));
    assertEquals(1, journal.taps().size());
    Timing.until("the healthy tap has all", Duration.ofSeconds(5), Duration.ofMillis(5),
        () -> healthy.seqs().equals(range(1, 6)));
  }

  @Test
  void aTapThatResumesAfterADrainGetsEverythingInOrder() {
    EventJournal journal = new EventJournal(100, 100);
    RecordingSink slow = new RecordingSink();
    slow.full = true;
    journal.subscribe("sse", "slow", EventFilter.ALL, null, context, slow);
    for (long i = 1; i <= 10; i++) {
      journal.append(event(i, EventType.HA_CYCLE));
    }
    Timing.until("waiting for a drain", Duration.ofSeconds(5), Duration.ofMillis(5), () -> slow.resume != null);
    assertEquals(List.of(), slow.seqs());
    slow.full = false;
    slow.resume.run();
    Timing.until("all delivered after the drain", Duration.ofSeconds(5), Duration.ofMillis(5),
        () -> slow.seqs().equals(range(1, 10)));
    assertNull(slow.dropped);
  }

  @Test
  void aTapStalledLongerThanTheLimitIsDroppedAsStalled() {
    AtomicLong nanos = new AtomicLong(1);
    EventJournal journal = new EventJournal(100, 100, nanos::get);
    RecordingSink stalled = new RecordingSink();
    stalled.full = true;
    Tap tap = journal.subscribe("sse", "stalled", EventFilter.ALL, null, context, stalled).tap();
    assertTrue(!tap.checkStalled(1_000));
    nanos.addAndGet(999);
    assertTrue(!tap.checkStalled(1_000));
    assertNull(stalled.dropped);
    nanos.addAndGet(2);
    tap.checkStalled(1_000);
    Timing.until("dropped", Duration.ofSeconds(5), Duration.ofMillis(5), () -> stalled.dropped == DropReason.STALLED);
    assertEquals(1, journal.stats().drops("sse", DropReason.STALLED));
  }

  @Test
  void appendNeverWaitsForATapWhoseEventLoopIsBlocked() throws Exception {
    EventJournal journal = new EventJournal(100, 1000);
    RecordingSink sink = new RecordingSink();
    journal.subscribe("sse", "blocked", EventFilter.ALL, null, context, sink);
    CountDownLatch release = new CountDownLatch(1);
    context.runOnContext(v -> {
      try {
        release.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    long start = System.nanoTime();
    for (long i = 1; i <= 5000; i++) {
      journal.append(event(i, EventType.HA_CYCLE));
    }
    long millis = (System.nanoTime() - start) / 1_000_000;
    release.countDown();
    assertTrue(millis < 2000 * Timing.multiplier(), "5000 appends took " + millis + " ms");
    AtomicReference<DropReason> dropped = new AtomicReference<>();
    Timing.until("the blocked tap dropped on overflow", Duration.ofSeconds(5), Duration.ofMillis(5), () -> {
      dropped.set(sink.dropped);
      return dropped.get() == DropReason.QUEUE_FULL;
    });
  }
}
