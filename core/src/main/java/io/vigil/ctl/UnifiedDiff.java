package io.vigil.ctl;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The unified diff patronictl's {@code edit-config} shows: Python's {@code difflib.unified_diff} with three lines
 * of context and empty file names ({@code "--- "}, {@code "+++ "}). difflib's matcher (longest matching block
 * first, "popular" lines ignored in inputs of 200 lines or more) is reproduced so that the hunks are the same
 * as patronictl's, not merely equivalent.
 */
public final class UnifiedDiff {
  private UnifiedDiff() {}

  /** The diff lines (without newlines); empty when both texts have the same lines. */
  public static List<String> diff(String before, String after) {
    List<String> a = listify(before);
    List<String> b = listify(after);
    List<String> out = new ArrayList<>();
    boolean started = false;
    for (List<int[]> group : groupedOpcodes(opcodes(a, b), 3)) {
      if (!started) {
        started = true;
        out.add("--- ");
        out.add("+++ ");
      }
      int[] first = group.get(0);
      int[] last = group.get(group.size() - 1);
      out.add("@@ -" + range(first[1], last[2]) + " +" + range(first[3], last[4]) + " @@");
      for (int[] op : group) {
        if (op[0] == EQUAL) {
          for (int i = op[1]; i < op[2]; i++) {
            out.add(" " + a.get(i));
          }
          continue;
        }
        if (op[0] == REPLACE || op[0] == DELETE) {
          for (int i = op[1]; i < op[2]; i++) {
            out.add("-" + a.get(i));
          }
        }
        if (op[0] == REPLACE || op[0] == INSERT) {
          for (int j = op[3]; j < op[4]; j++) {
            out.add("+" + b.get(j));
          }
        }
      }
    }
    return out;
  }

  private static final int EQUAL = 0;
  private static final int REPLACE = 1;
  private static final int DELETE = 2;
  private static final int INSERT = 3;

  /** patronictl splits on newlines after stripping trailing ones. */
  private static List<String> listify(String text) {
    String t = text;
    while (t.endsWith("\n")) {
      t = t.substring(0, t.length() - 1);
    }
    return List.of(t.split("\n", -1));
  }

  private static String range(int start, int stop) {
    int beginning = start + 1;
    int length = stop - start;
    if (length == 1) {
      return String.valueOf(beginning);
    }
    if (length == 0) {
      beginning -= 1;
    }
    return beginning + "," + length;
  }

  static List<int[]> opcodes(List<String> a, List<String> b) {
    List<int[]> answer = new ArrayList<>();
    int i = 0;
    int j = 0;
    for (int[] block : new Matcher(a, b).matchingBlocks()) {
      int ai = block[0];
      int bj = block[1];
      int size = block[2];
      int tag = -1;
      if (i < ai && j < bj) {
        tag = REPLACE;
      } else if (i < ai) {
        tag = DELETE;
      } else if (j < bj) {
        tag = INSERT;
      }
      if (tag >= 0) {
        answer.add(new int[] {tag, i, ai, j, bj});
      }
      i = ai + size;
      j = bj + size;
      if (size > 0) {
        answer.add(new int[] {EQUAL, ai, i, bj, j});
      }
    }
    return answer;
  }

  static List<List<int[]>> groupedOpcodes(List<int[]> codes, int n) {
    List<int[]> c = new ArrayList<>();
    for (int[] op : codes) {
      c.add(op.clone());
    }
    if (c.isEmpty()) {
      c.add(new int[] {EQUAL, 0, 1, 0, 1});
    }
    int[] head = c.get(0);
    if (head[0] == EQUAL) {
      head[1] = Math.max(head[1], head[2] - n);
      head[3] = Math.max(head[3], head[4] - n);
    }
    int[] tail = c.get(c.size() - 1);
    if (tail[0] == EQUAL) {
      tail[2] = Math.min(tail[2], tail[1] + n);
      tail[4] = Math.min(tail[4], tail[3] + n);
    }
    List<List<int[]>> groups = new ArrayList<>();
    List<int[]> group = new ArrayList<>();
    for (int[] op : c) {
      int i1 = op[1];
      int j1 = op[3];
      if (op[0] == EQUAL && op[2] - op[1] > 2 * n) {
        group.add(new int[] {EQUAL, i1, Math.min(op[2], i1 + n), j1, Math.min(op[4], j1 + n)});
        groups.add(group);
        group = new ArrayList<>();
        i1 = Math.max(i1, op[2] - n);
        j1 = Math.max(j1, op[4] - n);
      }
      group.add(new int[] {op[0], i1, op[2], j1, op[4]});
    }
    if (!group.isEmpty() && !(group.size() == 1 && group.get(0)[0] == EQUAL)) {
      groups.add(group);
    }
    return groups;
  }

  /** difflib.SequenceMatcher without a junk function, with its autojunk heuristic. */
  private static final class Matcher {
    private final List<String> a;
    private final List<String> b;
    private final Map<String, List<Integer>> b2j = new HashMap<>();

    Matcher(List<String> a, List<String> b) {
      this.a = a;
      this.b = b;
      for (int j = 0; j < b.size(); j++) {
        b2j.computeIfAbsent(b.get(j), k -> new ArrayList<>()).add(j);
      }
      int n = b.size();
      if (n >= 200) {
        int ntest = n / 100 + 1;
        Set<String> popular = new HashSet<>();
        for (Map.Entry<String, List<Integer>> e : b2j.entrySet()) {
          if (e.getValue().size() > ntest) {
            popular.add(e.getKey());
          }
        }
        popular.forEach(b2j::remove);
      }
    }

    int[] longestMatch(int alo, int ahi, int blo, int bhi) {
      int besti = alo;
      int bestj = blo;
      int bestsize = 0;
      Map<Integer, Integer> j2len = new HashMap<>();
      for (int i = alo; i < ahi; i++) {
        Map<Integer, Integer> newj2len = new HashMap<>();
        for (int j : b2j.getOrDefault(a.get(i), List.of())) {
          if (j < blo) {
            continue;
          }
          if (j >= bhi) {
            break;
          }
          int k = j2len.getOrDefault(j - 1, 0) + 1;
          newj2len.put(j, k);
          if (k > bestsize) {
            besti = i - k + 1;
            bestj = j - k + 1;
            bestsize = k;
          }
        }
        j2len = newj2len;
      }
      while (besti > alo && bestj > blo && a.get(besti - 1).equals(b.get(bestj - 1))) {
        besti--;
        bestj--;
        bestsize++;
      }
      while (besti + bestsize < ahi && bestj + bestsize < bhi && a.get(besti + bestsize).equals(b.get(bestj + bestsize))) {
        bestsize++;
      }
      return new int[] {besti, bestj, bestsize};
    }

    List<int[]> matchingBlocks() {
      int la = a.size();
      int lb = b.size();
      List<int[]> queue = new ArrayList<>();
      queue.add(new int[] {0, la, 0, lb});
      List<int[]> blocks = new ArrayList<>();
      while (!queue.isEmpty()) {
        int[] q = queue.remove(queue.size() - 1);
        int[] x = longestMatch(q[0], q[1], q[2], q[3]);
        int i = x[0];
        int j = x[1];
        int k = x[2];
        if (k > 0) {
          blocks.add(x);
          if (q[0] < i && q[2] < j) {
            queue.add(new int[] {q[0], i, q[2], j});
          }
          if (i + k < q[1] && j + k < q[3]) {
            queue.add(new int[] {i + k, q[1], j + k, q[3]});
          }
        }
      }
      blocks.sort(Comparator.<int[]>comparingInt(x -> x[0]).thenComparingInt(x -> x[1]).thenComparingInt(x -> x[2]));
      List<int[]> merged = new ArrayList<>();
      int i1 = 0;
      int j1 = 0;
      int k1 = 0;
      for (int[] blk : blocks) {
        if (i1 + k1 == blk[0] && j1 + k1 == blk[1]) {
          k1 += blk[2];
        } else {
          if (k1 > 0) {
            merged.add(new int[] {i1, j1, k1});
          }
          i1 = blk[0];
          j1 = blk[1];
          k1 = blk[2];
        }
      }
      if (k1 > 0) {
        merged.add(new int[] {i1, j1, k1});
      }
      merged.add(new int[] {la, lb, 0});
      return merged;
    }
  }
}
