package org.privspark.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.privspark.core.testing.PackageGraph;

/**
 * dp-spark's packages, and the dp-core packages each may use, as docs/ARCHITECTURE.md's table says:
 * the build fails on a reference the table does not allow, on a package it does not place, and on a
 * cycle. dp-core's own layering is checked by dp-core's PackageDependencyTest.
 */
class PackageDependencyTest {
  private static final String S = "org.privspark.spark";
  private static final String C = "org.privspark.core";
  private static final Set<String> CORE_ROOT = Set.of(C);

  static final Map<String, Set<String>> ALLOWED =
      Map.of(
          S,
          CORE_ROOT,
          S + ".ledger",
          Set.of(S, C, C + ".ledger"),
          S + ".sql",
          Set.of(S, C, C + ".accounting", C + ".aggregation", C + ".mechanism", C + ".noise"),
          S + ".ml.params",
          Set.of(C),
          S + ".ml.feature",
          Set.of(C, S + ".ml.params"),
          S + ".ml",
          Set.of(
              S,
              C,
              C + ".accounting",
              C + ".accounting.pld", // DP-SGD calibrated on a PLD budget's accountant
              C + ".ledger", // EventCodec: a saved DPTunerModel's event, in the ledger's encoding
              C + ".mechanism",
              C + ".noise",
              S + ".sql",
              S + ".ml.params"),
          S + ".ml.wrappers",
          Set.of(
              S,
              C,
              C + ".accounting",
              C + ".mechanism",
              C + ".noise",
              S + ".sql",
              S + ".ml",
              S + ".ml.params"));

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
}
