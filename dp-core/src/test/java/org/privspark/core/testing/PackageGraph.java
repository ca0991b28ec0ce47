package org.privspark.core.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Which package of a source tree refers to which other package of the project: imports, static
 * imports and fully qualified names in code, with comments and string literals left out (a Javadoc
 * link, or a message naming a class, is not a dependency). Tests compare it with a declared table
 * of allowed dependencies, so that the packages' one-way layering (docs/ARCHITECTURE.md) is
 * checked, not just described.
 */
public final class PackageGraph {
  // Comments and string literals (a message may name a class of another module); one pass, left to
  // right, so that a "//" inside a string or a quote inside a comment is read as what it is in.
  private static final Pattern COMMENT =
      Pattern.compile(
          "/\\*.*?\\*/|//[^\\n]*|'(?:\\\\.|[^'\\\\\\n])'|\"(?:\\\\.|[^\"\\\\\\n])*\"",
          Pattern.DOTALL);
  private static final Pattern REFERENCE =
      Pattern.compile("\\b(org\\.privspark(?:\\.[a-z][a-z0-9_]*)*)\\.[A-Z]");

  private final Map<String, Set<String>> edges;

  private PackageGraph(Map<String, Set<String>> edges) {
    this.edges = edges;
  }

  /** The graph of the main sources under {@code root} (e.g. {@code src/main/java}). */
  public static PackageGraph of(Path root) throws IOException {
    Map<String, Set<String>> edges = new TreeMap<>();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path file : files.filter(p -> p.toString().endsWith(".java")).toList()) {
        String from =
            root.relativize(file.getParent())
                .toString()
                .replace(file.getFileSystem().getSeparator(), ".");
        Set<String> to = edges.computeIfAbsent(from, k -> new TreeSet<>());
        Matcher m = REFERENCE.matcher(COMMENT.matcher(read(file)).replaceAll(" "));
        while (m.find()) {
          if (!m.group(1).equals(from)) {
            to.add(m.group(1));
          }
        }
      }
    }
    return new PackageGraph(edges);
  }

  /** The packages that have sources. */
  public Set<String> packages() {
    return edges.keySet();
  }

  /**
   * Every reference not in {@code allowed}, as "from -> to" lines; references to packages outside
   * {@code prefix} (another module's, when {@code allowed} does not name them) are kept too.
   */
  public List<String> disallowed(Map<String, Set<String>> allowed) {
    List<String> bad = new ArrayList<>();
    edges.forEach(
        (from, targets) -> {
          Set<String> ok = allowed.getOrDefault(from, Set.of());
          for (String to : targets) {
            if (!ok.contains(to)) {
              bad.add(from + " -> " + to);
            }
          }
        });
    return bad;
  }

  /** The packages of {@code table} that lie on a cycle of its edges (empty for a layering). */
  public static Set<String> onCycles(Map<String, Set<String>> table) {
    Set<String> cyclic = new TreeSet<>();
    for (String start : table.keySet()) {
      if (reaches(table, start, start, new TreeSet<>())) {
        cyclic.add(start);
      }
    }
    return cyclic;
  }

  private static boolean reaches(
      Map<String, Set<String>> table, String from, String target, Set<String> seen) {
    for (String next : table.getOrDefault(from, Set.of())) {
      if (next.equals(target) || (seen.add(next) && reaches(table, next, target, seen))) {
        return true;
      }
    }
    return false;
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
