package org.privspark.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.privspark.core.testing.PackageGraph;

/**
 * dp-core's packages depend on each other in one direction only, as docs/ARCHITECTURE.md's table
 * says: this class holds that table, and the build fails on an import the table does not allow, on
 * a package the table does not place, and on a cycle in the table itself.
 */
class PackageDependencyTest {
  private static final String P = "org.privspark.core";

  /** Each package, with the packages it may use. Keep docs/ARCHITECTURE.md's table in step. */
  static final Map<String, Set<String>> ALLOWED =
      Map.ofEntries(
          Map.entry(P, Set.of()),
          Map.entry(P + ".internal", Set.of()),
          Map.entry(P + ".noise", Set.of(P)),
          Map.entry(P + ".accounting", Set.of(P, P + ".internal")),
          Map.entry(P + ".accounting.pld", Set.of(P, P + ".internal", P + ".accounting")),
          Map.entry(P + ".mechanism", Set.of(P, P + ".noise", P + ".accounting")),
          Map.entry(
              P + ".aggregation", Set.of(P, P + ".noise", P + ".accounting", P + ".mechanism")),
          Map.entry(P + ".ledger.merkle", Set.of(P)),
          Map.entry(P + ".ledger.note", Set.of(P)),
          Map.entry(P + ".zk", Set.of(P)),
          Map.entry(
              P + ".ledger",
              Set.of(
                  P,
                  P + ".accounting",
                  P + ".accounting.pld",
                  P + ".ledger.merkle",
                  P + ".ledger.note",
                  P + ".zk")),
          Map.entry(
              P + ".ledger.confidential", Set.of(P, P + ".accounting", P + ".ledger", P + ".zk")),
          Map.entry(
              P + ".audit",
              Set.of(
                  P,
                  P + ".accounting",
                  P + ".accounting.pld",
                  P + ".ledger",
                  P + ".ledger.confidential",
                  P + ".ledger.merkle",
                  P + ".ledger.note",
                  P + ".zk")));

  @Test
  void everyReferenceBetweenPackages_isAllowedByTheTable() throws IOException {
    PackageGraph graph = PackageGraph.of(Path.of("src/main/java"));
    assertThat(graph.packages()).as("packages the table must place").isSubsetOf(ALLOWED.keySet());
    assertThat(graph.disallowed(ALLOWED)).isEmpty();
  }

  @Test
  void theTable_isALayering() {
    assertThat(PackageGraph.onCycles(ALLOWED)).isEmpty();
  }

  @Test
  void theCheck_flagsAReferenceTheTableDoesNotAllow() throws IOException {
    // A table that forgets one real edge must fail: the check can fail.
    Map<String, Set<String>> missing = new java.util.HashMap<>(ALLOWED);
    missing.put(P + ".audit", Set.of(P));
    assertThat(PackageGraph.of(Path.of("src/main/java")).disallowed(missing))
        .contains(P + ".audit -> " + P + ".ledger");
    assertThat(PackageGraph.onCycles(Map.of("a", Set.of("b"), "b", Set.of("a"))))
        .containsExactly("a", "b");
  }
}
