package org.privspark.core.mechanism;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.privspark.core.accounting.DiscreteGaussianEvent;
import org.privspark.core.accounting.DiscreteLaplaceEvent;

/**
 * One unit's contribution spread over n separately rounded values: every rounding can add a grid
 * unit to the shift between neighbours, so the shift reaches ⌈Δ/g⌉ + n − 1 (L1) or about Δ/g + √n
 * (L2). A mechanism built with {@code maxCoordinatesContributed(n)} sizes its noise and its event
 * for that shift; with the default n = 1 a scalar event covers one rounded value only.
 */
class RoundedCoordinatesTest {

  /**
   * The worst case over n coordinates: each moves by Δ/n exactly and straddles a half grid step, so
   * each rounded value moves by ⌈Δ/(n·g)⌉. Returns the rounded shifts (exact, in grid units).
   */
  private static long[] straddlingShifts(double l1, int n, double g) {
    long[] shifts = new long[n];
    double step = l1 / n; // exact: powers of two below
    for (int i = 0; i < n; i++) {
      double before = (0.5 * g) - step / 2;
      double after = before + step;
      shifts[i] = Grid.snap(after, g).subtract(Grid.snap(before, g)).longValueExact();
    }
    return shifts;
  }

  /** ε = 2^-30, Δ = 1: g = 2^-10, Δ/g = 1024, and 4096 coordinates moving 2^-12 each. */
  @Test
  void laplace_manyCoordinates_eventBoundsTheRoundedShift() {
    int n = 4096;
    LaplaceMechanism m =
        LaplaceMechanism.builder()
            .epsilon(0x1p-30)
            .l1Sensitivity(1)
            .maxCoordinatesContributed(n)
            .build();
    double g = m.granularity();
    assertThat(g).isEqualTo(0x1p-10);
    long shift = 0;
    for (long s : straddlingShifts(1, n, g)) {
      shift += s;
    }
    assertThat(shift).isEqualTo(n); // four times ⌈Δ/g⌉ = 1024
    DiscreteLaplaceEvent event = m.event();
    assertThat(event.l1Sensitivity()).isEqualTo(1024 + n - 1);
    assertThat(event.l1Sensitivity()).isGreaterThanOrEqualTo(shift);
    assertThat(event.pureEpsilon()).isLessThanOrEqualTo(0x1p-30);
    assertThat(m.eventFor(n)).isEqualTo(event);
    // A vector of more coordinates than n is planned for its own dimension.
    assertThat(m.eventFor(2 * n).l1Sensitivity()).isEqualTo(1024 + 2 * n - 1);
    // The noise grows with n; ε does not.
    LaplaceMechanism one = LaplaceMechanism.builder().epsilon(0x1p-30).l1Sensitivity(1).build();
    assertThat(m.noise().scale()).isGreaterThan(one.noise().scale() * 4);
    assertThat(one.event().l1Sensitivity()).isLessThan(shift); // what n = 1 would have charged
  }

  /**
   * σ = 2^16, Δ = 1: g = 2^-10, Δ/g = 1024, and 2^22 coordinates each moving half a grid step (L2
   * norm 2^11·2^-11 = 1 = Δ) across a half: each rounded value moves a whole unit, an L2 shift of
   * 2^11 units, twice Δ/g.
   */
  @Test
  void gaussian_manyCoordinates_eventBoundsTheRoundedShift() {
    int n = 1 << 22;
    GaussianMechanism m =
        GaussianMechanism.builder()
            .sigma(0x1p16)
            .l2Sensitivity(1)
            .maxCoordinatesContributed(n)
            .build();
    double g = m.granularity();
    assertThat(g).isEqualTo(0x1p-10);
    long each = Grid.snap(0.75 * g, g).subtract(Grid.snap(0.25 * g, g)).longValueExact();
    assertThat(each).isEqualTo(1);
    double shift = Math.sqrt((double) n) * each; // 2^11
    DiscreteGaussianEvent event = m.event();
    assertThat(event.l2Sensitivity()).isGreaterThanOrEqualTo(shift);
    // ρ = D²/(2S) never exceeds Δ²/(2σ²): more noise, not more cost.
    assertThat(event.rdp(2)).isLessThanOrEqualTo(2 / (2 * 0x1p32));
    GaussianMechanism one = GaussianMechanism.builder().sigma(0x1p16).l2Sensitivity(1).build();
    assertThat(one.event().l2Sensitivity()).isLessThan(shift); // what n = 1 would have charged
  }

  @Test
  void builder_coordinatesOutOfRange_throwsNamingTheParameter() {
    assertThatThrownBy(
            () ->
                LaplaceMechanism.builder()
                    .epsilon(1)
                    .l1Sensitivity(1)
                    .maxCoordinatesContributed(0)
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxCoordinatesContributed must be in [1, 2^53]; got 0");
    assertThatThrownBy(
            () ->
                GaussianMechanism.builder()
                    .sigma(1)
                    .l2Sensitivity(1)
                    .maxCoordinatesContributed((1L << 53) + 1)
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("maxCoordinatesContributed must be in [1, 2^53]");
  }
}
