package org.privspark.core.mechanism;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class GridTest {
  private static final double G = 0x1p-10;

  @Test
  void snap_halves_roundUpNotToEven() {
    assertThat(Grid.snap("v", 0.5 * G, G)).isEqualTo(1);
    assertThat(Grid.snap("v", 1.5 * G, G)).isEqualTo(2);
    assertThat(Grid.snap("v", 2.5 * G, G)).isEqualTo(3);
    assertThat(Grid.snap("v", -0.5 * G, G)).isEqualTo(0);
    assertThat(Grid.snap("v", -1.5 * G, G)).isEqualTo(-1);
  }

  @Test
  void snap_nonHalves_roundToNearest() {
    assertThat(Grid.snap("v", 0.49 * G, G)).isEqualTo(0);
    assertThat(Grid.snap("v", 7.51 * G, G)).isEqualTo(8);
    assertThat(Grid.snap("v", -7.51 * G, G)).isEqualTo(-8);
    assertThat(Grid.snap("v", 1e-300, G)).isEqualTo(0);
  }

  @Test
  void snap_twoTo62Units_throwsIllegalArgumentExceptionNamingValue() {
    assertThatThrownBy(() -> Grid.snap("values[3]", 0x1p62 * G, G))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("values[3] must be below 2^62 grid units");
  }

  @Test
  void snap_nan_throwsIllegalArgumentExceptionNamingValue() {
    assertThatThrownBy(() -> Grid.snap("value", Double.NaN, G))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("value must be finite; got NaN");
  }

  @Test
  void granularity_scaleOne_isTwoToMinusBits() {
    assertThat(Grid.granularity("b", 1.0, 40)).isEqualTo(0x1p-40);
    assertThat(Grid.granularity("b", 1.9, 40)).isEqualTo(0x1p-40);
    assertThat(Grid.granularity("b", 2.0, 40)).isEqualTo(0x1p-39);
    assertThat(Grid.granularity("b", 0.75, 26)).isEqualTo(0x1p-27);
  }

  /**
   * The rounding argument behind D_n: for vectors whose exact L1 distance is at most L grid units,
   * the rounded vectors' L1 distance is at most ⌈L⌉ + n − 1, and their L2 distance is at most
   * ⌈L₂⌉ (n = 1) or L₂ + √n. Inputs are multiples of 2^-20 units so every difference is exact.
   */
  @Property(tries = 2000)
  void snap_neighbouringVectors_staysWithinRoundedSensitivity(
      @ForAll("vectorPairs") double[][] pair) {
    double[] a = pair[0];
    double[] b = pair[1];
    int n = a.length;
    double l1 = 0;
    double l2Squared = 0;
    long roundedL1 = 0;
    double roundedL2Squared = 0;
    for (int i = 0; i < n; i++) {
      double d = Math.abs(a[i] - b[i]) / G; // exact
      l1 += d;
      l2Squared += d * d;
      long m = Math.abs(Grid.snap("a", a[i], G) - Grid.snap("b", b[i], G));
      roundedL1 += m;
      roundedL2Squared += (double) m * m;
    }
    assertThat(roundedL1).isLessThanOrEqualTo((long) Math.ceil(l1) + n - 1);
    double l2 = Math.sqrt(l2Squared);
    double bound = n == 1 ? Math.ceil(l2) : l2 + Math.sqrt(n);
    assertThat(Math.sqrt(roundedL2Squared)).isLessThanOrEqualTo(bound * (1 + 1e-12));
  }

  @Provide
  Arbitrary<double[][]> vectorPairs() {
    Arbitrary<Integer> size = Arbitraries.integers().between(1, 8);
    return size.flatMap(
        n -> {
          // Values in units of 2^-20 grid steps.
          Arbitrary<Long> base = Arbitraries.longs().between(-(100L << 20), 100L << 20);
          Arbitrary<Long> shift = Arbitraries.longs().between(-(3L << 20), 3L << 20);
          return Combinators.combine(base.array(long[].class).ofSize(n), shift.array(long[].class).ofSize(n))
              .as(
                  (bs, ss) -> {
                    double[] a = new double[n];
                    double[] b = new double[n];
                    for (int i = 0; i < n; i++) {
                      a[i] = bs[i] * 0x1p-20 * G;
                      b[i] = (bs[i] + ss[i]) * 0x1p-20 * G;
                    }
                    return new double[][] {a, b};
                  });
        });
  }

  @Test
  void snap_allCoordinatesStraddleHalf_reachesRelaxationBound() {
    int n = 6;
    long roundedL1 = 0;
    for (int i = 0; i < n; i++) {
      roundedL1 += Grid.snap("b", 0.5 * G, G) - Grid.snap("a", (0.5 - 0x1p-20) * G, G);
    }
    // Exact L1 distance n·2^-20 units, ⌈L⌉ = 1, so the bound ⌈L⌉ + n − 1 = n is attained.
    assertThat(roundedL1).isEqualTo(n);
  }

  @Property(tries = 50)
  void granularity_anyScale_isPowerOfTwoBelowScale(
      @ForAll @IntRange(min = -900, max = 900) int exponent, @ForAll @IntRange(min = 0, max = 40) int bits) {
    double scale = Math.scalb(1.37, exponent);
    double g = Grid.granularity("s", scale, bits);
    assertThat(scale / g).isGreaterThanOrEqualTo(Math.scalb(1.0, bits)).isLessThan(Math.scalb(1.0, bits + 1));
    assertThat(Math.getExponent(g)).isEqualTo(exponent - bits);
  }
}
