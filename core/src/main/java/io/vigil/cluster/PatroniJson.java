package io.vigil.cluster;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Every DCS value in and out exactly as Patroni reads and writes it (docs/dcs-layout.md §1.1-1.2).
 *
 * <p>Writers produce what Python's {@code json.dumps(value, separators=(',', ':'))} produces: no spaces, keys
 * in insertion order, non-ASCII characters escaped ({@code ensure_ascii}). Readers accept anything Patroni
 * accepts (both the compact form and the {@code ", "}/{@code ": "} form {@code patronictl edit-config}
 * writes) and throw {@link MalformedValueException} with a reason where Patroni would fall back; the caller
 * decides what a malformed key means for the cluster (see {@code io.vigil.dcs.ClusterReader}).
 */
public final class PatroniJson {
  private static final JsonMapper MAPPER = JsonMapper.builder()
      // Python's json accepts any size of integer; LSNs and system ids do not fit an int
      .enable(DeserializationFeature.USE_LONG_FOR_INTS)
      // Python rejects "{}x"; Jackson would stop after the first value
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .build();

  static {
    MAPPER.getFactory().setCharacterEscapes(new PythonEscapes());
    MAPPER.registerModule(new SimpleModule("python-floats")
        .addSerializer(Double.class, new PythonFloat<>())
        .addSerializer(Float.class, new PythonFloat<>()));
  }

  /**
   * Python's {@code repr(float)}: the shortest round-tripping digits, positional for exponents -4..15
   * ({@code 10000000.0}, {@code 0.0001}), scientific otherwise with a signed two-digit exponent
   * ({@code 1e-05}, {@code 1.5e+20}). Java's own form ({@code 1.0E7}) would differ.
   */
  private static final class PythonFloat<T extends Number> extends StdSerializer<T> {
    @SuppressWarnings("unchecked")
    PythonFloat() {
      super((Class<T>) (Class<?>) Number.class);
    }

    @Override
    public void serialize(T value, JsonGenerator gen, SerializerProvider provider) throws IOException {
      // a float's own shortest digits, not those of its exact double value (1e-5f is 9.99999974e-6)
      double d = value instanceof Float f ? Double.parseDouble(Float.toString(f)) : value.doubleValue();
      gen.writeNumber(pythonRepr(d));
    }
  }

  /** Python's {@code repr(float)} as described above; non-finite values as {@code json.dumps} writes them. */
  public static String pythonRepr(double d) {
    if (Double.isNaN(d)) {
      return "NaN";
    }
    if (Double.isInfinite(d)) {
      return d > 0 ? "Infinity" : "-Infinity";
    }
    if (d == 0) {
      return (1 / d < 0) ? "-0.0" : "0.0";
    }
    BigDecimal exact = new BigDecimal(Double.toString(d)).stripTrailingZeros();
    String digits = exact.unscaledValue().abs().toString();
    int exponent = digits.length() - 1 - exact.scale();
    String sign = d < 0 ? "-" : "";
    if (exponent < -4 || exponent >= 16) {
      String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
      return sign + mantissa + "e" + (exponent < 0 ? "-" : "+") + String.format("%02d", Math.abs(exponent));
    }
    String plain = exact.abs().toPlainString();
    return sign + (plain.contains(".") ? plain : plain + ".0");
  }

  /**
   * Python's {@code ensure_ascii}: everything outside space..tilde is escaped; newline, return, tab, backspace
   * and form feed in their short forms, the rest as a backslash-u escape with lower-case hex (UTF-16 units, so a
   * surrogate pair comes out as two escapes).
   */
  private static final class PythonEscapes extends CharacterEscapes {
    private static final int[] ASCII = standardAsciiEscapesForJSON();

    static {
      for (int c = 0; c < 0x20; c++) {
        if (ASCII[c] == ESCAPE_STANDARD) {
          ASCII[c] = ESCAPE_CUSTOM;
        }
      }
      ASCII[0x7f] = ESCAPE_CUSTOM;
    }

    @Override
    public int[] getEscapeCodesForAscii() {
      return ASCII;
    }

    @Override
    public SerializableString getEscapeSequence(int ch) {
      return new SerializedString(String.format("\\u%04x", ch));
    }
  }
  private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss");

  private PatroniJson() {}

  /** A stored value that Patroni would not accept as what its key should hold. */
  public static final class MalformedValueException extends Exception {
    public MalformedValueException(String reason) {
      super(reason);
    }
  }

  // ------------------------------------------------------------------------------------------------ readers

  /** Any JSON object ({@code config}, member data), keys in stored order. */
  public static Map<String, Object> readObject(String value) throws MalformedValueException {
    Object parsed = parse(value);
    if (!(parsed instanceof Map<?, ?>)) {
      throw new MalformedValueException("expected a JSON object, got " + kind(parsed));
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> map = (Map<String, Object>) parsed;
    return map;
  }

  public static ClusterConfig readConfig(String value, long version) throws MalformedValueException {
    return new ClusterConfig(version, readObject(value));
  }

  /**
   * A {@code members/<name>} value. A value starting with {@code postgres} is the legacy connection string
   * whose {@code application_name} query parameter holds the api_url (Patroni's parse_connection_string).
   */
  public static Member readMember(String name, String value, long version, String session)
      throws MalformedValueException {
    if (value != null && value.startsWith("postgres")) {
      return new Member(name, version, session, legacyMemberData(value));
    }
    return new Member(name, version, session, readObject(value));
  }

  private static Map<String, Object> legacyMemberData(String value) throws MalformedValueException {
    int query = value.indexOf('?');
    int fragment = value.indexOf('#');
    String connUrl;
    String queryText = "";
    if (query < 0 || (fragment >= 0 && fragment < query)) {
      connUrl = value;
    } else {
      int end = fragment < 0 ? value.length() : fragment;
      queryText = value.substring(query + 1, end);
      connUrl = value.substring(0, query) + value.substring(end);
    }
    String apiUrl = null;
    for (String pair : queryText.split("[&;]")) {
      int eq = pair.indexOf('=');
      if (eq > 0 && decode(pair.substring(0, eq)).equals("application_name")) {
        apiUrl = decode(pair.substring(eq + 1));
        break;
      }
    }
    try {
      URI.create(connUrl);
    } catch (IllegalArgumentException e) {
      throw new MalformedValueException("legacy connection string is not a URL: " + e.getMessage());
    }
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("conn_url", connUrl);
    data.put("api_url", apiUrl);
    return data;
  }

  private static String decode(String s) throws MalformedValueException {
    try {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new MalformedValueException("bad percent-encoding in '" + s + "'");
    }
  }

  /**
   * The {@code status} value. A bare integer is the pre-2.1 form (the optime alone). A non-integer
   * {@code optime} reads as 0, and {@code slots}/{@code retain_slots} of the wrong type read as absent, as
   * in Patroni's Status.from_node; only a value that is neither JSON object nor integer is malformed.
   */
  public static Status readStatus(String value) throws MalformedValueException {
    Object parsed = parse(value);
    if (parsed instanceof Number n && isIntegral(n)) {
      return new Status(n.longValue(), null, null);
    }
    if (!(parsed instanceof Map<?, ?> map)) {
      throw new MalformedValueException("expected a JSON object or an integer, got " + kind(parsed));
    }
    long optime = lsn(map.get("optime"));
    Map<String, Long> slots = null;
    if (map.get("slots") instanceof Map<?, ?> raw) {
      slots = new LinkedHashMap<>();
      for (Map.Entry<?, ?> e : raw.entrySet()) {
        if (!(e.getValue() instanceof Number n) || !isIntegral(n)) {
          throw new MalformedValueException(
              "slot '" + e.getKey() + "' has a non-integer position " + e.getValue());
        }
        slots.put(String.valueOf(e.getKey()), n.longValue());
      }
    }
    List<String> retain = null;
    if (map.get("retain_slots") instanceof List<?> raw) {
      retain = new ArrayList<>();
      for (Object o : raw) {
        retain.add(String.valueOf(o));
      }
    }
    return new Status(optime, slots, retain);
  }

  /** The legacy {@code optime/leader} value: a plain decimal LSN; anything else reads as 0 (Patroni). */
  public static long readLegacyOptime(String value) {
    try {
      return value == null ? 0 : Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /**
   * The {@code sync} value. {@code {}} (ZooKeeper's "deleted") is an empty state that keeps the version for
   * the next CAS. Names in {@code sync_standby} count only while {@code leader} is set, as in Patroni.
   */
  public static SyncState readSync(String value, long version) throws MalformedValueException {
    Object parsed = parse(value);
    if (!(parsed instanceof Map<?, ?> map)) {
      throw new MalformedValueException("expected a JSON object, got " + kind(parsed));
    }
    String leader = optionalString(map.get("leader"));
    Object rawQuorum = map.get("quorum");
    Integer quorum = null;
    if (rawQuorum instanceof Number n && isIntegral(n)) {
      quorum = n.intValue();
    } else if (rawQuorum instanceof String s && !s.isEmpty()) {
      try {
        quorum = Integer.parseInt(s.trim());
      } catch (NumberFormatException e) {
        throw new MalformedValueException("quorum '" + s + "' is not an integer");
      }
    } else if (rawQuorum != null && !(rawQuorum instanceof String)) {
      throw new MalformedValueException("quorum " + rawQuorum + " is not an integer");
    }
    if (leader == null || quorum != null && quorum == 0) {
      quorum = null;
    }
    Object rawStandby = map.get("sync_standby");
    List<String> standbys = new ArrayList<>();
    if (rawStandby != null && !(rawStandby instanceof String)) {
      throw new MalformedValueException("sync_standby " + rawStandby + " is not a string");
    }
    if (leader != null && rawStandby instanceof String s) {
      for (String name : s.split(",")) {
        if (!name.strip().isEmpty()) {
          standbys.add(name.strip());
        }
      }
    }
    return new SyncState(version, leader, standbys, quorum);
  }

  /**
   * The {@code failover} value, or null when it names neither a leader nor a candidate ({@code {}} is how a
   * failover is cleared). A value that is not JSON is the legacy {@code leader:candidate} form.
   */
  public static Failover readFailover(String value, long version) throws MalformedValueException {
    if (value == null || value.isEmpty()) {
      return null;
    }
    Object parsed;
    try {
      parsed = MAPPER.readValue(value, Object.class);
    } catch (JsonProcessingException e) {
      String[] parts = value.split(":", -1);
      String leader = optionalString(parts[0].strip());
      String candidate = parts.length > 1 ? optionalString(parts[1].strip()) : null;
      return leader == null && candidate == null ? null : new Failover(version, leader, candidate, null);
    }
    if (!(parsed instanceof Map<?, ?> map)) {
      // Patroni reads a JSON non-object as an empty failover, which is no failover at all
      return null;
    }
    String leader = optionalString(map.get("leader"));
    String candidate = optionalString(map.get("member"));
    OffsetDateTime scheduledAt = null;
    Object rawAt = map.get("scheduled_at");
    if (rawAt != null && !"".equals(rawAt)) {
      scheduledAt = readTimestamp(String.valueOf(rawAt));
    }
    if (leader == null && candidate == null) {
      return null;
    }
    return new Failover(version, leader, candidate, scheduledAt);
  }

  /** An ISO-8601 timestamp with a UTC offset, as Python's {@code datetime.isoformat()} writes it. */
  public static OffsetDateTime readTimestamp(String text) throws MalformedValueException {
    String s = text.strip().replace(' ', 'T');
    try {
      return OffsetDateTime.parse(s, DateTimeFormatter.ISO_OFFSET_DATE_TIME);
    } catch (DateTimeParseException e) {
      try {
        LocalDateTime.parse(s, DateTimeFormatter.ISO_LOCAL_DATE_TIME);
        throw new MalformedValueException("timestamp '" + text + "' has no timezone");
      } catch (DateTimeParseException e2) {
        throw new MalformedValueException("'" + text + "' is not an ISO-8601 timestamp");
      }
    }
  }

  /**
   * The {@code history} value: a list of {@code [timeline, lsn, reason, timestamp, new_leader]}, the last two
   * (or three) missing in old entries.
   */
  public static TimelineHistory readHistory(String value, long version) throws MalformedValueException {
    Object parsed = parse(value);
    if (!(parsed instanceof List<?> rows)) {
      throw new MalformedValueException("expected a JSON list, got " + kind(parsed));
    }
    List<TimelineHistory.Line> lines = new ArrayList<>();
    for (Object row : rows) {
      if (!(row instanceof List<?> cells) || cells.size() < 2) {
        throw new MalformedValueException("history line " + row + " is not a list of at least 2 items");
      }
      if (!(cells.get(0) instanceof Number tl) || !isIntegral(tl)) {
        throw new MalformedValueException("history line " + row + " has a non-integer timeline");
      }
      if (!(cells.get(1) instanceof Number lsn) || !isIntegral(lsn)) {
        throw new MalformedValueException("history line " + row + " has a non-integer LSN");
      }
      lines.add(new TimelineHistory.Line(tl.intValue(), lsn.longValue(),
          cells.size() > 2 ? optionalText(cells.get(2)) : null,
          cells.size() > 3 ? optionalText(cells.get(3)) : null,
          cells.size() > 4 ? optionalText(cells.get(4)) : null));
    }
    return new TimelineHistory(version, lines);
  }

  public static Failsafe readFailsafe(String value) throws MalformedValueException {
    Object parsed = parse(value);
    if (!(parsed instanceof Map<?, ?> map)) {
      throw new MalformedValueException("expected a JSON object, got " + kind(parsed));
    }
    Map<String, String> members = new LinkedHashMap<>();
    for (Map.Entry<?, ?> e : map.entrySet()) {
      if (!(e.getValue() instanceof String url)) {
        throw new MalformedValueException("member '" + e.getKey() + "' has a non-string api_url " + e.getValue());
      }
      members.put(String.valueOf(e.getKey()), url);
    }
    return new Failsafe(members);
  }

  // ------------------------------------------------------------------------------------------------ writers

  /** {@code config} or member data: the object as it is. */
  public static String writeObject(Map<String, ?> data) {
    return dump(data);
  }

  /** {@code {"optime":..,"slots":{..},"retain_slots":[..]}}, leaving out the null fields. */
  public static String writeStatus(Status status) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("optime", status.optime());
    if (status.slots() != null) {
      out.put("slots", status.slots());
    }
    if (status.retainSlots() != null) {
      out.put("retain_slots", status.retainSlots());
    }
    return dump(out);
  }

  /**
   * {@code {"leader":..,"quorum":..,"sync_standby":"a,b"}}: names sorted, null when there are none. Outside
   * quorum mode Patroni 4 writes {@code "quorum":0}, and so do we.
   */
  public static String writeSync(SyncState sync) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("leader", sync.leader());
    out.put("quorum", sync.quorum() == null ? 0 : sync.quorum());
    out.put("sync_standby",
        sync.syncStandbys().isEmpty() ? null : String.join(",", new TreeSet<>(sync.syncStandbys())));
    return dump(out);
  }

  /** The fields that are set; {@code {}} for null, which is how Patroni clears a failover. */
  public static String writeFailover(Failover failover) {
    Map<String, Object> out = new LinkedHashMap<>();
    if (failover != null) {
      if (failover.leader() != null && !failover.leader().isEmpty()) {
        out.put("leader", failover.leader());
      }
      if (failover.candidate() != null && !failover.candidate().isEmpty()) {
        out.put("member", failover.candidate());
      }
      if (failover.scheduledAt() != null) {
        out.put("scheduled_at", isoformat(failover.scheduledAt()));
      }
    }
    return dump(out);
  }

  /** A list of lists; trailing missing items of old lines stay missing. */
  public static String writeHistory(TimelineHistory history) {
    List<List<Object>> rows = new ArrayList<>();
    for (TimelineHistory.Line line : history.lines()) {
      List<Object> row = new ArrayList<>(Arrays.asList(
          line.timeline(), line.lsn(), line.reason(), line.timestamp(), line.newLeader()));
      while (row.size() > 2 && row.get(row.size() - 1) == null) {
        row.remove(row.size() - 1);
      }
      rows.add(row);
    }
    return dump(rows);
  }

  public static String writeFailsafe(Failsafe failsafe) {
    return dump(failsafe.members());
  }

  /**
   * Python's {@code datetime.isoformat()}: microseconds only when non-zero, offset as {@code +00:00}
   * (never {@code Z}).
   */
  public static String isoformat(OffsetDateTime t) {
    StringBuilder sb = new StringBuilder(t.format(SECONDS));
    int micros = t.getNano() / 1000;
    if (micros != 0) {
      sb.append('.').append(String.format("%06d", micros));
    }
    ZoneOffset offset = t.getOffset();
    int total = offset.getTotalSeconds();
    sb.append(total < 0 ? '-' : '+');
    int abs = Math.abs(total);
    sb.append(String.format("%02d:%02d", abs / 3600, abs / 60 % 60));
    if (abs % 60 != 0) {
      sb.append(String.format(":%02d", abs % 60));
    }
    return sb.toString();
  }

  // ------------------------------------------------------------------------------------------------ helpers

  private static String dump(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot write as JSON: " + e.getOriginalMessage(), e);
    }
  }

  private static Object parse(String value) throws MalformedValueException {
    if (value == null || value.isEmpty()) {
      throw new MalformedValueException("empty value");
    }
    try {
      return MAPPER.readValue(value, Object.class);
    } catch (JsonProcessingException e) {
      throw new MalformedValueException("not JSON: " + e.getOriginalMessage());
    }
  }

  private static String kind(Object parsed) {
    if (parsed == null) {
      return "null";
    }
    if (parsed instanceof List<?>) {
      return "a list";
    }
    if (parsed instanceof Map<?, ?>) {
      return "an object";
    }
    return parsed instanceof String ? "a string" : parsed.getClass().getSimpleName().toLowerCase();
  }

  private static boolean isIntegral(Number n) {
    return n instanceof Long || n instanceof Integer || n instanceof java.math.BigInteger || n instanceof Short;
  }

  private static long lsn(Object raw) {
    if (raw instanceof Number n && isIntegral(n)) {
      return n.longValue();
    }
    if (raw instanceof String s) {
      try {
        return Long.parseLong(s.trim());
      } catch (NumberFormatException e) {
        return 0;
      }
    }
    return 0;
  }

  /** Patroni tests these with truthiness: empty and null are both "not set". */
  private static String optionalString(Object raw) {
    if (raw == null) {
      return null;
    }
    String s = String.valueOf(raw);
    return s.isEmpty() ? null : s;
  }

  private static String optionalText(Object raw) {
    return raw == null ? null : String.valueOf(raw);
  }
}
