package org.privspark.core.aggregation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collections;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Where {@link NoiseKind#AUTO} switches from Laplace to Gaussian noise: the table of
 * docs/AGGREGATIONS.md ("The budget split"), at ε = 1, rows k = 10 per group, values in [0, 100].
 */
class AutoNoiseTest {

  static double unitBound(Quantity q) {
    return switch (q.kind()) {
      case ROWS, HISTOGRAM -> 10;
      case UNITS -> 1;
      case SUM -> 1000;
      case CENTRED_SUM -> 500;
      case CENTRED_SQUARES -> 25_000;
    };
  }

  static NoiseKind chosen(boolean threeStatistics, double delta, boolean privateGroups, long l0) {
    List<Statistic> stats =
        threeStatistics
            ? List.of(new BoundedCount(), new BoundedSum("v", 0, 100), new BoundedMean("v", 0, 100))
            : List.of(new BoundedCount());
    return AggregationPlanner.plan(
            new AggregationRequest(
                stats,
                Collections.nCopies(stats.size(), 1.0),
                privateGroups,
                1,
                1,
                l0,
                1.0,
                delta,
                NoiseKind.AUTO,
                null,
                AutoNoiseTest::unitBound))
        .noise();
  }

  @ParameterizedTest(
      name = "three statistics {0}, delta {1}, private groups {2}: Gaussian from L0 = {3}")
  @CsvSource({
    "false, 1e-6, false, 11", "false, 1e-6, true, 4", "false, 1e-9, false, 17",
        "false, 1e-9, true, 6",
    "true, 1e-6, false, 6", "true, 1e-6, true, 4", "true, 1e-9, false, 9", "true, 1e-9, true, 6"
  })
  void switchesToGaussianAt(boolean three, double delta, boolean privateGroups, long l0) {
    assertThat(chosen(three, delta, privateGroups, l0 - 1)).isEqualTo(NoiseKind.LAPLACE);
    assertThat(chosen(three, delta, privateGroups, l0)).isEqualTo(NoiseKind.GAUSSIAN);
    assertThat(chosen(three, delta, privateGroups, 4 * l0)).isEqualTo(NoiseKind.GAUSSIAN);
  }
}
