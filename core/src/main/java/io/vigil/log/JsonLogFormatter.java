package io.vigil.log;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.Formatter;
import java.util.logging.LogRecord;

/**
 * {@code log.type: json}: one JSON object per line with {@code timestamp}, {@code level}, {@code logger},
 * {@code message}, {@code scope}, {@code member}, then {@code log.static_fields}; an exception goes into
 * {@code exc_info} as text when {@link Tracebacks} say so (a library's is otherwise summarised in its message).
 */
public final class JsonLogFormatter extends Formatter {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final PythonLogFormat time;
  private final Tracebacks tracebacks;
  private final String scope;
  private final String member;
  private final Map<String, String> staticFields;

  public JsonLogFormatter(String scope, String member, Map<String, String> staticFields, String dateformat,
      Tracebacks tracebacks, ZoneId zone) {
    this.time = new PythonLogFormat("", dateformat, zone);
    this.scope = scope;
    this.member = member;
    this.staticFields = staticFields == null ? Map.of() : Map.copyOf(staticFields);
    this.tracebacks = tracebacks;
  }

  @Override
  public String format(LogRecord record) {
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("timestamp", time.asctime(record.getInstant()));
    line.put("level", LogLevels.pythonName(record.getLevel()));
    line.put("logger", record.getLoggerName());
    boolean trace = tracebacks.shownFor(record);
    line.put("message", LibraryRecords.message(record, formatMessage(record), trace));
    line.put("scope", scope);
    line.put("member", member);
    staticFields.forEach(line::putIfAbsent);
    if (trace) {
      line.put("exc_info", PythonLogFormat.traceback(record.getThrown()));
    }
    try {
      return JSON.writeValueAsString(line) + "\n";
    } catch (JsonProcessingException e) {
      // only strings go in, so this cannot happen; never lose the line over it
      return "{\"level\":\"ERROR\",\"message\":\"unserializable log record\"}\n";
    }
  }
}
