package io.vigil.ctl;

import io.vigil.patroni.PyJson;
import io.vigil.patroni.PyText;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * patronictl's {@code print_output}: the same rows as a pretty table, tab separated values, JSON or YAML.
 * In JSON/YAML a titled table (the member list) leaves out empty cells; the member list shows tags as YAML and
 * drops its {@code Cluster} column from pretty tables, where the cluster name is in the title instead.
 */
public final class TableOutput {
  private TableOutput() {}

  /** The output formats of {@code -f/--format}. */
  public static final List<String> FORMATS = List.of("pretty", "tsv", "json", "yaml", "yml");

  /**
   * @param columns headings, or null for none (query errors)
   * @param rows values as Python would hold them (String, Long, Boolean, Map...)
   * @param fmt pretty, topology, tsv, json, yaml or yml
   * @param header the title of the table ({@code " Cluster: x (sysid) "}) or empty
   * @return the text to print, without the trailing newline that {@code click.echo} adds
   */
  public static String format(List<String> columns, List<List<Object>> rows, Map<String, TableRenderer.Align> alignment,
      String fmt, String header, String delimiter) {
    String f = fmt.toLowerCase(Locale.ROOT);
    List<String> cols = columns == null ? List.of() : columns;
    if (f.equals("json") || f.equals("yaml") || f.equals("yml")) {
      List<Map<String, Object>> elements = new ArrayList<>();
      for (List<Object> r : rows) {
        Map<String, Object> e = new LinkedHashMap<>();
        for (int i = 0; i < Math.min(cols.size(), r.size()); i++) {
          Object v = r.get(i);
          if (header == null || header.isEmpty() || !PyText.str(v).isEmpty()) {
            e.put(cols.get(i), v);
          }
        }
        elements.add(e);
      }
      return f.equals("json") ? PyJson.dumps(elements) : CtlText.yaml(elements, false);
    }
    if (!f.equals("pretty") && !f.equals("tsv") && !f.equals("topology")) {
      throw new CtlException("Unknown output format " + fmt);
    }
    List<List<Object>> body = new ArrayList<>();
    for (List<Object> r : rows) {
      body.add(new ArrayList<>(r));
    }
    boolean listCluster = header != null && !header.isEmpty() && !cols.isEmpty() && cols.get(0).equals("Cluster");
    if (listCluster && cols.contains("Tags")) {
      int i = cols.indexOf("Tags");
      for (List<Object> row : body) {
        Object tags = row.get(i);
        if (PyText.truthy(tags)) {
          row.set(i, CtlText.yaml(tags, !f.equals("pretty")).strip());
        }
      }
    }
    if (listCluster && !f.equals("tsv")) {
      cols = cols.subList(1, cols.size());
      List<List<Object>> cut = new ArrayList<>();
      for (List<Object> row : body) {
        cut.add(row.subList(1, row.size()));
      }
      body = cut;
    }
    if (f.equals("tsv")) {
      List<String> lines = new ArrayList<>();
      if (columns != null) {
        lines.add(String.join(delimiter, cols));
      }
      for (List<Object> row : body) {
        List<String> cells = new ArrayList<>();
        row.forEach(v -> cells.add(PyText.str(v)));
        lines.add(String.join(delimiter, cells));
      }
      return String.join("\n", lines);
    }
    List<List<String>> cells = new ArrayList<>();
    for (List<Object> row : body) {
      List<String> line = new ArrayList<>();
      row.forEach(v -> line.add(PyText.str(v)));
      cells.add(line);
    }
    return TableRenderer.render(header, cols, cells, alignment);
  }
}
