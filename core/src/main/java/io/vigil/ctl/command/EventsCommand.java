package io.vigil.ctl.command;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.cluster.Cluster;
import io.vigil.cluster.Member;
import io.vigil.ctl.CtlException;
import io.vigil.ctl.CtlSession;
import io.vigil.ctl.PatroniClient;
import io.vigil.ctl.TableOutput;
import io.vigil.ctl.UsageException;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code events [CLUSTER] [-m MEMBER]... [--types a,b] [-f fmt] [--follow]} (docs/vigilctl.md "events"): the
 * events of one member or of every member of the cluster, read from each member's {@code GET /events}. Without
 * {@code --follow} it prints what the members' rings hold and exits; with it, it keeps streaming, reconnecting
 * with {@code Last-Event-ID} when a member's stream breaks, until interrupted.
 */
@Command(name = "events", description = "Show the events of the cluster's members (GET /events)")
public final class EventsCommand extends CtlCommand {
  static final List<String> COLUMNS = List.of("Time", "Member", "Seq", "Type", "Details");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long RECONNECT_MILLIS = 1000;

  @Parameters(paramLabel = "CLUSTER_NAME", arity = "0..1")
  String clusterName;

  @Option(names = {"-m", "--member"}, description = "Only this member (repeatable)")
  List<String> members = new ArrayList<>();

  @Option(names = "--types", description = "Only these event types, comma separated (docs/events.md)")
  String types;

  @Option(names = {"-f", "--format"}, description = "Output format (pretty, tsv, json)")
  String fmt = "pretty";

  @Option(names = "--follow", description = "Keep streaming new events until interrupted")
  boolean follow;

  /** One event as read from a member's stream: its JSON, or a gap notice (no id). */
  record Received(String member, long id, String type, Map<String, Object> json) {}

  @Override
  protected int run(CtlSession s) throws Exception {
    checkFormat(fmt);
    if (fmt.equals("yaml") || fmt.equals("yml")) {
      throw new UsageException("Invalid value for '--format' / '-f': events are printed as pretty, tsv or json.");
    }
    Cluster cluster = s.cluster(s.clusterName(clusterName));
    List<Member> chosen = new ArrayList<>();
    for (Member m : cluster.members()) {
      if (members.isEmpty() || members.contains(m.name())) {
        chosen.add(m);
      }
    }
    for (String name : members) {
      if (chosen.stream().noneMatch(m -> m.name().equals(name))) {
        throw new CtlException(name + " is not a member of cluster");
      }
    }
    if (chosen.isEmpty()) {
      throw new CtlException("cluster has no members");
    }
    String endpoint = "events" + query();
    if (!follow) {
      List<Received> all = new ArrayList<>();
      for (Member m : chosen) {
        all.addAll(readRing(s, m, endpoint));
      }
      all.sort(Comparator.comparing((Received r) -> String.valueOf(r.json().get("time")))
          .thenComparing(Received::member).thenComparingLong(Received::id));
      if (fmt.equals("json")) {
        for (Received r : all) {
          s.out.println(JSON.writeValueAsString(r.json()));
        }
      } else {
        List<List<Object>> rows = new ArrayList<>();
        for (Received r : all) {
          rows.add(row(r));
        }
        s.out.println(TableOutput.format(COLUMNS, rows, Map.of(), fmt, "", "\t"));
      }
      return 0;
    }
    List<Thread> readers = new ArrayList<>();
    for (Member m : chosen) {
      Thread t = new Thread(() -> followMember(s, m, endpoint), "vigilctl-events-" + m.name());
      t.setDaemon(true);
      t.start();
      readers.add(t);
    }
    try {
      for (Thread t : readers) {
        t.join();
      }
    } finally {
      readers.forEach(Thread::interrupt);
    }
    return 0;
  }

  private String query() {
    StringBuilder q = new StringBuilder("?follow=").append(follow);
    if (types != null && !types.isBlank()) {
      q.append("&types=").append(URLEncoder.encode(types, StandardCharsets.UTF_8));
    }
    return q.toString();
  }

  private List<Received> readRing(CtlSession s, Member m, String endpoint) {
    SseParser parser = new SseParser(m.name());
    PatroniClient.Response r;
    try {
      r = s.rest().stream(m, endpoint, Map.of("Last-Event-ID", "0"), parser::line);
    } catch (IOException e) {
      throw new CtlException("could not read the events of member " + m.name() + " at "
          + PatroniClient.url(m, "events") + ": " + e.getMessage(), e);
    }
    failOnError(m, r);
    return parser.received;
  }

  /** Streams one member's events until interrupted; a broken stream is resumed from the last id received. */
  private void followMember(CtlSession s, Member m, String endpoint) {
    long lastId = 0;
    while (!Thread.currentThread().isInterrupted()) {
      SseParser parser = new SseParser(m.name());
      parser.onEvent = r -> print(s, r);
      try {
        PatroniClient.Response r = s.rest().stream(m, endpoint, Map.of("Last-Event-ID", Long.toString(lastId)),
            parser::line);
        if (r.status() != 200) {
          synchronized (s.err) {
            s.err.println("Failed: events for member " + m.name() + ", status code=" + r.status() + ", ("
                + r.body() + ")");
          }
          if (r.status() == 400 || r.status() == 401 || r.status() == 403) {
            return;
          }
        }
      } catch (IOException e) {
        synchronized (s.err) {
          s.err.println("member " + m.name() + ": events stream broke (" + e.getMessage() + "), reconnecting");
        }
      }
      lastId = Math.max(lastId, parser.lastId);
      try {
        Thread.sleep(RECONNECT_MILLIS);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private void print(CtlSession s, Received r) {
    synchronized (s.out) {
      try {
        if (fmt.equals("json")) {
          s.out.println(JSON.writeValueAsString(r.json()));
        } else {
          List<Object> row = row(r);
          StringBuilder line = new StringBuilder();
          for (int i = 0; i < row.size(); i++) {
            line.append(i == 0 ? "" : fmt.equals("tsv") ? "\t" : "  ").append(row.get(i));
          }
          s.out.println(line);
        }
        s.out.flush();
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
  }

  private static void failOnError(Member m, PatroniClient.Response r) {
    if (r.status() != 200) {
      throw new CtlException("Failed: events for member " + m.name() + ", status code=" + r.status() + ", ("
          + r.body() + ")");
    }
  }

  /** A table row: time, member, seq (empty for a gap notice), type, the data fields as {@code key=value}. */
  static List<Object> row(Received r) {
    Object data = r.json().get("data");
    StringBuilder details = new StringBuilder();
    if (data instanceof Map<?, ?> fields) {
      for (Map.Entry<?, ?> f : fields.entrySet()) {
        details.append(details.length() == 0 ? "" : " ").append(f.getKey()).append('=').append(f.getValue());
      }
    }
    List<Object> row = new ArrayList<>();
    row.add(r.json().getOrDefault("time", ""));
    row.add(r.member());
    row.add(r.id() < 0 ? "" : r.id());
    row.add(r.type());
    row.add(details.toString());
    return row;
  }

  /** Server-Sent Events, line by line: {@code id:}, {@code event:}, {@code data:}; a blank line ends an event. */
  static final class SseParser {
    final String member;
    final List<Received> received = new ArrayList<>();
    java.util.function.Consumer<Received> onEvent;
    long lastId;
    private long id = -1;
    private String event = "message";
    private StringBuilder data;

    SseParser(String member) {
      this.member = member;
    }

    @SuppressWarnings("unchecked")
    void line(String line) {
      if (line.isEmpty()) {
        if (data != null) {
          Map<String, Object> json;
          try {
            json = JSON.readValue(data.toString(), LinkedHashMap.class);
          } catch (IOException e) {
            throw new CtlException("member " + member + " sent an event that is not JSON: " + data);
          }
          if (event.equals("gap")) {
            Map<String, Object> notice = new LinkedHashMap<>();
            notice.put("time", "");
            notice.put("member", member);
            notice.put("type", "gap");
            notice.put("data", json);
            json = notice;
          }
          Received r = new Received(member, id, event, json);
          received.add(r);
          if (id >= 0) {
            lastId = id;
          }
          if (onEvent != null) {
            onEvent.accept(r);
          }
        }
        id = -1;
        event = "message";
        data = null;
        return;
      }
      if (line.startsWith(":")) {
        return;
      }
      int colon = line.indexOf(':');
      String field = colon < 0 ? line : line.substring(0, colon);
      String value = colon < 0 ? "" : line.substring(colon + 1);
      if (value.startsWith(" ")) {
        value = value.substring(1);
      }
      switch (field) {
        case "id" -> id = Long.parseLong(value);
        case "event" -> event = value;
        case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
        default -> { }
      }
    }
  }
}
