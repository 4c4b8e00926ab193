package io.vigil.ctl;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Draws tables exactly as patronictl does with PrettyTable: one space of padding on each side, columns left
 * aligned unless told otherwise (headers follow their column's alignment), cells split on newlines and aligned
 * to the top, a rule between every row as soon as one cell spans several lines, and the title written over the
 * start of the top rule ({@code + Cluster: batman (7234...) ---+----+}), cut to the table's width.
 */
public final class TableRenderer {

  /** Horizontal alignment of a column. */
  public enum Align { LEFT, RIGHT }

  private TableRenderer() {}

  /**
   * @param title text put over the top rule, or empty for a plain rule
   * @param columns column headings (duplicates allowed: 4.x shows two columns named {@code Lag})
   * @param rows cells already turned into text
   * @param alignment per heading; absent headings are left aligned
   * @return the table, lines joined with {@code \n}, without a trailing newline
   */
  public static String render(String title, List<String> columns, List<List<String>> rows, Map<String, Align> alignment) {
    int n = columns.size();
    int[] widths = new int[n];
    for (int i = 0; i < n; i++) {
      widths[i] = maxLineWidth(columns.get(i));
    }
    boolean multiline = false;
    for (List<String> row : rows) {
      for (int i = 0; i < n; i++) {
        String cell = cell(row, i);
        widths[i] = Math.max(widths[i], maxLineWidth(cell));
        multiline |= cell.contains("\n");
      }
    }
    StringBuilder rule = new StringBuilder("+");
    for (int w : widths) {
      rule.append("-".repeat(w + 2)).append('+');
    }
    List<String> lines = new ArrayList<>();
    lines.add(withTitle(rule.toString(), title));
    lines.add(line(columns, widths, columns, alignment));
    lines.add(rule.toString());
    for (int r = 0; r < rows.size(); r++) {
      List<String> row = rows.get(r);
      List<String[]> split = new ArrayList<>();
      int height = 1;
      for (int i = 0; i < n; i++) {
        String[] parts = cell(row, i).split("\n", -1);
        split.add(parts);
        height = Math.max(height, parts.length);
      }
      for (int h = 0; h < height; h++) {
        List<String> cells = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          String[] parts = split.get(i);
          cells.add(h < parts.length ? parts[h] : "");
        }
        lines.add(line(cells, widths, columns, alignment));
      }
      // FRAME draws the rule only at the bottom, ALL after every row: both end with one rule
      if (multiline || r == rows.size() - 1) {
        lines.add(rule.toString());
      }
    }
    if (rows.isEmpty()) {
      lines.add(rule.toString());
    }
    return String.join("\n", lines);
  }

  private static String cell(List<String> row, int i) {
    String v = i < row.size() ? row.get(i) : "";
    return v == null ? "" : v;
  }

  private static int maxLineWidth(String text) {
    int max = 0;
    for (String part : text.split("\n", -1)) {
      max = Math.max(max, part.codePointCount(0, part.length()));
    }
    return max;
  }

  private static String line(List<String> cells, int[] widths, List<String> columns, Map<String, Align> alignment) {
    StringBuilder sb = new StringBuilder("|");
    for (int i = 0; i < widths.length; i++) {
      String text = cells.get(i);
      int pad = widths[i] - text.codePointCount(0, text.length());
      Align align = alignment == null ? null : alignment.get(columns.get(i));
      sb.append(' ');
      if (align == Align.RIGHT) {
        sb.append(" ".repeat(pad)).append(text);
      } else {
        sb.append(text).append(" ".repeat(pad));
      }
      sb.append(" |");
    }
    return sb.toString();
  }

  private static String withTitle(String rule, String title) {
    if (title == null || title.isEmpty()) {
      return rule;
    }
    String shown = title.length() > rule.length() - 2 ? title.substring(0, rule.length() - 2) : title;
    return rule.charAt(0) + shown + rule.substring(1 + shown.length());
  }
}
