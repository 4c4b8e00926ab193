package io.vigil;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.MalformedInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every reference in the repository resolves inside the repository: {@code docs/<file>.md} exists, a cited
 * {@code §x.y} is a heading of that file, relative Markdown links point at files, {@code HaEngineTest}-style row
 * names ({@code row("§2.4.10 ...")}) name a section of the matching page, and no note kept outside the repository
 * is cited. Scans {@code *.java}, {@code *.md}, {@code *.yml}, {@code *.yaml}, {@code *.xml}, {@code *.sh} and
 * {@code bin/*} from the repository root (found upwards from the working directory, which is {@code core/} under
 * Maven). See docs/testing.md.
 */
class DocsReferencesTest {
  /** Chapter numbers of the docs pages whose sections the code cites as {@code §<chapter>.<n>}. */
  private static final Map<String, String> CHAPTERS = Map.of(
      "1", "dcs-layout.md", "2", "ha-rules.md", "3", "rest-api.md", "4", "vigilctl.md",
      "5", "configuration.md", "6", "postgres.md");

  /** Citations of notes that live outside the repository (built so that this file does not match itself). */
  private static final Pattern OUTSIDE_NOTES = Pattern.compile(String.join("|",
      "\\bSPEC \u00a7", "\\bSPEC\\.md", "\\b" + "ARCHITECTURE\\.md", "\\b" + "STACK\\.md", "\\b" + "STACK notes",
      "\\b" + "STYLE\\.md", "\\b" + "FAULTS\\.md", "\\breference/[\\w.-]+\\.(?:txt|cfg|yml)", "/work/" + "shared"));

  private static final Pattern DOCS_REF = Pattern.compile(
      "docs/([\\w.-]+\\.md)((?:[ ,/]+\u00a7\\d+(?:\\.\\d+)*(?:-\\d+(?:\\.\\d+)*)?)*)");
  private static final Pattern SECTION = Pattern.compile("\u00a7(\\d+(?:\\.\\d+)?)");
  private static final Pattern MD_LINK = Pattern.compile("\\]\\(([^)\\s#]+)(?:#[^)]*)?\\)");
  private static final Pattern ROW_NAME = Pattern.compile("row\\(\"\u00a7(\\d+)(\\.\\d+)?");

  private static final Set<String> SKIPPED_DIRS = Set.of(".git", "target", "node_modules", ".idea");

  @Test
  void everyReferenceResolvesInsideTheRepository() throws IOException {
    Path root = repositoryRoot();
    List<String> problems = new ArrayList<>();
    int docsReferences = 0;
    for (Path file : scannedFiles(root)) {
      List<String> lines = readLines(file);
      if (lines == null) {
        continue;
      }
      String rel = root.relativize(file).toString().replace('\\', '/');
      boolean self = rel.endsWith("io/vigil/DocsReferencesTest.java");
      for (int i = 0; i < lines.size(); i++) {
        String line = lines.get(i);
        String where = rel + ":" + (i + 1);
        if (!self) {
          Matcher outside = OUTSIDE_NOTES.matcher(line);
          while (outside.find()) {
            problems.add(where + ": cites a note outside the repository: " + outside.group());
          }
        }
        Matcher ref = DOCS_REF.matcher(line);
        while (ref.find()) {
          docsReferences++;
          checkPage(root, ref.group(1), ref.group(2), where, problems);
        }
        if (rel.endsWith(".md")) {
          Matcher link = MD_LINK.matcher(line);
          while (link.find()) {
            String target = link.group(1);
            if (!target.contains(":") && !Files.exists(file.getParent().resolve(target))) {
              problems.add(where + ": link to a missing file: " + target);
            }
          }
        }
        Matcher row = ROW_NAME.matcher(line);
        while (row.find()) {
          String page = CHAPTERS.get(row.group(1));
          if (page == null) {
            problems.add(where + ": row names a chapter no docs page has: \u00a7" + row.group(1));
          } else if (row.group(2) != null) {
            checkPage(root, page, " \u00a7" + row.group(1) + row.group(2), where, problems);
          }
        }
      }
    }
    assertEquals(List.of(), problems, String.join("\n", problems));
    assertTrue(docsReferences > 100, "the scan found only " + docsReferences + " docs/ references: wrong root?");
  }

  /** {@code docs/<page>} exists and has a heading for every section in {@code sections} (" §2.2, §2.5"). */
  private static void checkPage(Path root, String page, String sections, String where, List<String> problems) {
    Path doc = root.resolve("docs").resolve(page);
    if (!Files.isRegularFile(doc)) {
      problems.add(where + ": docs/" + page + " does not exist");
      return;
    }
    Matcher section = SECTION.matcher(sections);
    while (section.find()) {
      Pattern heading = Pattern.compile("(?m)^#+ \u00a7" + Pattern.quote(section.group(1)) + "(?![.\\d])");
      if (!heading.matcher(readString(doc)).find()) {
        problems.add(where + ": docs/" + page + " has no section \u00a7" + section.group(1));
      }
    }
  }

  /** The first directory upwards from the working directory that holds the aggregator pom and docs/. */
  static Path repositoryRoot() {
    Path dir = Path.of("").toAbsolutePath();
    for (Path p = dir; p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve("pom.xml")) && Files.isDirectory(p.resolve("docs"))
          && Files.isDirectory(p.resolve("core"))) {
        return p;
      }
    }
    throw new IllegalStateException("no repository root (pom.xml, docs/, core/) above " + dir);
  }

  private static List<Path> scannedFiles(Path root) throws IOException {
    try (Stream<Path> walk = Files.walk(root)) {
      return walk
          .filter(p -> root.relativize(p).toString().isEmpty() || !skipped(root.relativize(p)))
          .filter(Files::isRegularFile)
          .filter(p -> scanned(root.relativize(p)))
          .sorted()
          .toList();
    }
  }

  private static boolean skipped(Path rel) {
    for (Path part : rel) {
      if (SKIPPED_DIRS.contains(part.toString())) {
        return true;
      }
    }
    return false;
  }

  private static boolean scanned(Path rel) {
    String name = rel.getFileName().toString();
    return name.endsWith(".java") || name.endsWith(".md") || name.endsWith(".yml") || name.endsWith(".yaml")
        || name.endsWith(".xml") || name.endsWith(".sh") || rel.startsWith("bin");
  }

  /** The file's lines, or null for a file that is not UTF-8 text. */
  private static List<String> readLines(Path file) throws IOException {
    try {
      return Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (MalformedInputException e) {
      return null;
    }
  }

  private static String readString(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
