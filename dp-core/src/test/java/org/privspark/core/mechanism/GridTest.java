package org.privspark.core.mechanism;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
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

  private static long snap(double x) {
    return Grid.snap(x, G).longValueExact();
  }

  @Test
  void snap_halves_roundUpNotToEven() {
    assertThat(snap(0.5 * G)).isEqualTo(1);
    assertThat(snap(1.5 * G)).isEqualTo(2);
    assertThat(snap(2.5 * G)).isEqualTo(3);
    assertThat(snap(-0.5 * G)).isEqualTo(0);
    assertThat(snap(-1.5 * G)).isEqualTo(-1);
  }

  @Test
  void snap_nonHalves_roundToNearest() {
    assertThat(snap(0.49 * G)).isEqualTo(0);
    assertThat(snap(7.51 * G)).isEqualTo(8);
    assertThat(snap(-7.51 * G)).isEqualTo(-8);
    assertThat(snap(1e-300)).isEqualTo(0);
  }

  /** Past 2^62 units (and past the double range of x/g) the index is x/g exactly. */
  @Test
  void snap_hugeValues_isTheExactQuotient() {
    for (double x :
        new double[] {
          0x1p62 * G, -0x1p62 * G, 1e300, -1e300, Double.MAX_VALUE, -Double.MAX_VALUE
        }) {
      BigInteger exact = new BigDecimal(x).divide(new BigDecimal(G)).toBigIntegerExact();
      assertThat(Grid.snap(x, G)).as("x=%s", x).isEqualTo(exact);
    }
  }

  @Test
  void checkFinite_nan_throwsWithoutShowingTheValue() {
    assertThatThrownBy(() -> Grid.checkFinite("value", Double.NaN))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("value must be finite (not shown: it may be private)");
  }

  /**
   * The reference: k = ⌊x/g + ½⌋ and the nearest double to (k + y)·g, both in BigDecimal
   * (BigDecimal.doubleValue rounds correctly, to nearest-even), clamped to the largest finite
   * multiple of g.
   */
  private static double reference(double x, long y, double g) {
    BigDecimal bg = new BigDecimal(g);
    BigInteger k =
        new BigDecimal(x)
            .divide(bg)
            .add(new BigDecimal("0.5"))
            .setScale(0, RoundingMode.FLOOR)
            .toBigIntegerExact();
    double nearest = new BigDecimal(k.add(BigInteger.valueOf(y))).multiply(bg).doubleValue();
    if (Double.isInfinite(nearest)) {
      return Math.copySign(Grid.largestMultiple(g), nearest);
    }
    return nearest;
  }

  /**
   * Every finite input, every noise, every grid: the release is the reference, finite and on the
   * grid.
   */
  @Property(tries = 3000)
  void release_anyFiniteInput_isTheNearestDoubleToTheExactSum(
      @ForAll("anyFinite") double x,
      @ForAll("anyNoise") long y,
      @ForAll @IntRange(min = -1022, max = 1023) int e) {
    double g = Math.scalb(1.0, e);
    double released = Grid.release(x, y, g);
    assertThat(released).as("x=%s y=%s g=2^%s", x, y, e).isEqualTo(reference(x, y, g));
    assertThat(Double.isFinite(released)).isTrue();
    assertThat(released % g).isEqualTo(0.0);
  }

  @Provide
  Arbitrary<Double> anyFinite() {
    return Arbitraries.oneOf(
        Arbitraries.longs().map(Double::longBitsToDouble).filter(Double::isFinite),
        Arbitraries.of(
            0.0,
            -0.0,
            Double.MAX_VALUE,
            -Double.MAX_VALUE,
            Double.MIN_VALUE,
            1e300,
            -1e300,
            0x1p62,
            0x1p53,
            4.3e6,
            1e15));
  }

  @Provide
  Arbitrary<Long> anyNoise() {
    return Arbitraries.oneOf(
        Arbitraries.longs().between(-(1L << 45), 1L << 45),
        Arbitraries.longs(),
        Arbitraries.of(0L, 1L, -1L, Long.MAX_VALUE, Long.MIN_VALUE + 1));
  }

  /**
   * Ties at the final rounding: exactly half-way between two doubles goes to even; a hair above,
   * up.
   */
  @Test
  void toDouble_tiesAndStickyBits_roundLikeBigDecimal() {
    BigInteger twoTo60 = BigInteger.ONE.shiftLeft(60);
    BigInteger[] cases = {
      twoTo60.add(BigInteger.ONE.shiftLeft(7)), // half an ulp above 2^60: a tie, to even (down)
      twoTo60.add(BigInteger.ONE.shiftLeft(7)).add(BigInteger.ONE), // just above the tie: up
      twoTo60
          .shiftLeft(100)
          .add(BigInteger.ONE.shiftLeft(107))
          .add(BigInteger.ONE), // sticky far below
      twoTo60.shiftLeft(100).add(BigInteger.ONE.shiftLeft(107)), // an exact tie, far out
      BigInteger.ONE.shiftLeft(1100), // beyond the double range at g = 1
    };
    for (BigInteger n : cases) {
      for (BigInteger signed : new BigInteger[] {n, n.negate()}) {
        double expected = new BigDecimal(signed).doubleValue();
        if (Double.isInfinite(expected)) {
          expected = Math.copySign(Double.MAX_VALUE, expected);
        }
        assertThat(Grid.toDouble(signed, 1.0)).as("n=%s", signed).isEqualTo(expected);
      }
    }
  }

  @Test
  void largestMultiple_coarseGrid_isBelowMaxValueAndOnTheGrid() {
    assertThat(Grid.largestMultiple(1.0)).isEqualTo(Double.MAX_VALUE);
    assertThat(Grid.largestMultiple(0x1p971)).isEqualTo(Double.MAX_VALUE);
    double g = 0x1p1000;
    assertThat(Grid.largestMultiple(g)).isEqualTo((0x1p24 - 1) * g);
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
   * the rounded vectors' L1 distance is at most ⌈L⌉ + n − 1, and their L2 distance is at most ⌈L₂⌉
   * (n = 1) or L₂ + √n. Inputs are multiples of 2^-20 units so every difference is exact.
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
      long m = Math.abs(snap(a[i]) - snap(b[i]));
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
          return Combinators.combine(
                  base.array(long[].class).ofSize(n), shift.array(long[].class).ofSize(n))
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
      roundedL1 += snap(0.5 * G) - snap((0.5 - 0x1p-20) * G);
    }
    // Exact L1 distance n·2^-20 units, ⌈L⌉ = 1, so the bound ⌈L⌉ + n − 1 = n is attained.
    assertThat(roundedL1).isEqualTo(n);
  }

  @Property(tries = 50)
  void granularity_anyScale_isPowerOfTwoBelowScale(
      @ForAll @IntRange(min = -900, max = 900) int exponent,
      @ForAll @IntRange(min = 0, max = 40) int bits) {
    double scale = Math.scalb(1.37, exponent);
    double g = Grid.granularity("s", scale, bits);
    assertThat(scale / g)
        .isGreaterThanOrEqualTo(Math.scalb(1.0, bits))
        .isLessThan(Math.scalb(1.0, bits + 1));
    assertThat(Math.getExponent(g)).isEqualTo(exponent - bits);
  }
}
