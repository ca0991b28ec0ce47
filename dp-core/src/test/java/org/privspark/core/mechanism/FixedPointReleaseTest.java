package org.privspark.core.mechanism;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.privspark.core.noise.KeyedStreamSource;
import org.privspark.core.noise.Secret;

/**
 * The exact fixed-point entry point ({@link GridMechanism#releaseFixedPoint}): a value X·2^e, X any
 * integer, is rounded to the noise grid exactly, halves up as for a double input, so that an exact
 * sum reaches the mechanism without a rounding to a double in between (issue 12: sums in floating
 * point understated the sensitivity that was charged).
 */
class FixedPointReleaseTest {
  private static final Secret SECRET =
      Secret.fromBytes(
          new byte[] {
            3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9, 3, 2, 3, 8, 4, 6, 2, 6, 4, 3, 3, 8, 3, 2,
            7, 9, 5
          });

  private static final List<GridMechanism<?, ?>> MECHANISMS =
      List.of(
          LaplaceMechanism.builder().epsilon(1).l1Sensitivity(1).build(),
          LaplaceMechanism.builder()
              .epsilon(0x1p12)
              .l1Sensitivity(0x1p60 + 0x1p20)
              .maxCoordinatesContributed(3)
              .build(),
          GaussianMechanism.builder().sigma(1).l2Sensitivity(1).build(),
          GaussianMechanism.builder()
              .sigma(1e300)
              .l2Sensitivity(1e299)
              .maxCoordinatesContributed(5)
              .build());

  private static BigInteger big(long v) {
    return BigInteger.valueOf(v);
  }

  private static long snap(long units, int exponent, double g) {
    return Grid.snap(big(units), exponent, g).longValueExact();
  }

  @Test
  void snap_knownAnswers_roundHalvesUpLikeTheDoubleSnap() {
    assertThat(snap(3, -1, 1.0)).isEqualTo(2); // 1.5
    assertThat(snap(-3, -1, 1.0)).isEqualTo(-1); // -1.5
    assertThat(snap(5, -2, 1.0)).isEqualTo(1); // 1.25
    assertThat(snap(-5, -2, 1.0)).isEqualTo(-1); // -1.25
    assertThat(snap(6, -2, 1.0)).isEqualTo(2); // 1.5
    assertThat(snap(-6, -2, 1.0)).isEqualTo(-1); // -1.5
    assertThat(snap(-7, -2, 1.0)).isEqualTo(-2); // -1.75
    assertThat(snap(3, 5, 0x1p2)).isEqualTo(24); // 3·2^5/2^2
    assertThat(snap(1, -2, 1.0)).isEqualTo(0); // 0.25
    assertThat(snap(-1, -1, 1.0)).isEqualTo(0); // -0.5
    assertThat(snap(1, -1, 1.0)).isEqualTo(1); // 0.5
    assertThat(snap(0, 1000, 1.0)).isEqualTo(0);
  }

  /** Wherever X·2^e is a double, the fixed-point snap is the double snap. */
  @Property(tries = 2000)
  void snap_representableValues_equalsTheDoubleSnap(
      @ForAll("anyFinite") double x, @ForAll @IntRange(min = -1022, max = 1023) int ge) {
    double g = Math.scalb(1.0, ge);
    // Every finite double is an integer multiple of 2^-1074: x = X·2^-1074 exactly.
    BigInteger units =
        new BigDecimal(x)
            .multiply(new BigDecimal(BigInteger.ONE.shiftLeft(1074)))
            .toBigIntegerExact();
    assertThat(Grid.snap(units, -1074, g)).as("x=%s g=2^%s", x, ge).isEqualTo(Grid.snap(x, g));
  }

  /**
   * Every integer X, every exponent, every grid, every noise: the release is the nearest double to
   * (⌊X·2^e/g + ½⌋ + y)·g, clamped to the largest finite multiple of g, computed here in
   * BigDecimal.
   */
  @Property(tries = 3000)
  void release_anyFixedPointValue_isTheNearestDoubleToTheExactSum(
      @ForAll("anyUnits") BigInteger units,
      @ForAll @IntRange(min = -1300, max = 1300) int e,
      @ForAll @IntRange(min = -1022, max = 1023) int ge,
      @ForAll("anyNoise") long y) {
    double g = Math.scalb(1.0, ge);
    double released = Grid.release(units, e, y, g);
    assertThat(released)
        .as("X=%s e=%s g=2^%s y=%s", units, e, ge, y)
        .isEqualTo(reference(units, e, y, g));
    assertThat(Double.isFinite(released)).isTrue();
    assertThat(released % g).isEqualTo(0.0);
  }

  private static double reference(BigInteger units, int e, long y, double g) {
    BigDecimal value = new BigDecimal(units).multiply(powerOfTwo(e));
    BigDecimal bg = new BigDecimal(g);
    BigInteger k =
        value
            .divide(bg)
            .add(new BigDecimal("0.5"))
            .setScale(0, RoundingMode.FLOOR)
            .toBigIntegerExact();
    double nearest = new BigDecimal(k.add(BigInteger.valueOf(y))).multiply(bg).doubleValue();
    return Double.isInfinite(nearest) ? Math.copySign(Grid.largestMultiple(g), nearest) : nearest;
  }

  private static BigDecimal powerOfTwo(int e) {
    return e >= 0
        ? new BigDecimal(BigInteger.ONE.shiftLeft(e))
        : BigDecimal.ONE.divide(new BigDecimal(BigInteger.ONE.shiftLeft(-e)));
  }

  /**
   * Neighbouring exact values: n coordinates whose exact shifts d_i (in units of 2^e) add up to L =
   * Σ|d_i|·2^e/g grid units move the rounded coordinates by at most ⌈L⌉ + n − 1 in total, the bound
   * every Laplace plan is made for; and by less than one unit each beyond their exact shift (the
   * Gaussian plans' Δ/g + √n).
   */
  @Property(tries = 3000)
  void snap_neighbouringFixedPointVectors_stayWithinTheRoundedSensitivity(
      @ForAll("vectors") long[] base,
      @ForAll("shifts") long[] shift,
      @ForAll @IntRange(min = -30, max = 30) int e) {
    int n = Math.min(base.length, shift.length);
    double g = 1.0;
    BigDecimal exactL1 = BigDecimal.ZERO;
    long roundedL1 = 0;
    for (int i = 0; i < n; i++) {
      BigInteger a = big(base[i]);
      BigInteger b = a.add(big(shift[i]));
      BigDecimal d = new BigDecimal(big(shift[i]).abs()).multiply(powerOfTwo(e));
      exactL1 = exactL1.add(d);
      long moved = Grid.snap(a, e, g).subtract(Grid.snap(b, e, g)).abs().longValueExact();
      roundedL1 += moved;
      assertThat(new BigDecimal(moved))
          .as("one coordinate moves by less than d + 1")
          .isLessThan(d.add(BigDecimal.ONE));
    }
    long bound = exactL1.setScale(0, RoundingMode.CEILING).longValueExact() + n - 1;
    assertThat(roundedL1).isLessThanOrEqualTo(Math.max(bound, 0));
  }

  /** The bound is attained: n coordinates each straddling a half, with a tiny exact shift. */
  @Test
  void snap_allCoordinatesStraddleHalf_reachesTheRelaxation() {
    int n = 5;
    long moved = 0;
    for (int i = 0; i < n; i++) {
      // 2^39·2^-40 = 0.5 rounds up to 1; (2^39 − 1)·2^-40 rounds down to 0.
      moved +=
          snap((1L << 39) + i * (1L << 40), -40, 1.0)
              - snap((1L << 39) - 1 + i * (1L << 40), -40, 1.0);
    }
    assertThat(moved).isEqualTo(n);
  }

  /** The same noise draws as the double entry point, wherever the value is a double. */
  @Test
  void releaseFixedPoint_representableValue_equalsTheDoubleRelease() {
    for (GridMechanism<?, ?> m : MECHANISMS) {
      for (double x :
          new double[] {0, 1.5, -2.25, 4.3e6, 1e15, -1e300, Double.MAX_VALUE, 0x1p60 + 0x1p20}) {
        BigDecimal exact = new BigDecimal(x).multiply(new BigDecimal(BigInteger.ONE.shiftLeft(2)));
        BigInteger units = exact.toBigIntegerExact(); // every x here is a multiple of 1/4
        NoisyValue fixed =
            m.releaseFixedPoint(units, -2, KeyedStreamSource.forCell(SECRET, "c/" + x));
        NoisyValue viaDouble = m.release(x, KeyedStreamSource.forCell(SECRET, "c/" + x));
        assertThat(fixed.value()).as("%s at %s", m, x).isEqualTo(viaDouble.value());
        assertThat(fixed.event()).isEqualTo(m.event());
        assertThat(fixed.noise()).isEqualTo(m.noise());
      }
    }
  }

  @Test
  void releaseFixedPoint_vector_sameDrawsAndPlanAsTheDoubleVector() {
    for (GridMechanism<?, ?> m : MECHANISMS) {
      BigInteger[] units = {
        big(7), big(-3), BigInteger.ONE.shiftLeft(70), big(0), big(123_456_789)
      };
      double[] values = new double[units.length];
      for (int i = 0; i < units.length; i++) {
        values[i] =
            new BigDecimal(units[i]).multiply(new BigDecimal(0x1p-3)).doubleValue(); // exact
      }
      NoisyVector fixed = m.releaseFixedPoint(units, -3, KeyedStreamSource.forCell(SECRET, "v"));
      NoisyVector viaDouble = m.release(values, KeyedStreamSource.forCell(SECRET, "v"));
      assertThat(fixed.values()).as("%s", m).containsExactly(viaDouble.values());
      assertThat(fixed.event()).isEqualTo(m.eventFor(units.length));
    }
  }

  /** Values far beyond the double range, and absurd exponents, release finite and fast. */
  @Test
  void releaseFixedPoint_hugeValuesAndExponents_clampedAndFinite() {
    for (GridMechanism<?, ?> m : MECHANISMS) {
      double top = Grid.largestMultiple(m.granularity());
      BigInteger huge = BigInteger.ONE.shiftLeft(5000);
      assertThat(m.releaseFixedPoint(huge, 0, KeyedStreamSource.forCell(SECRET, "h")).value())
          .isEqualTo(top);
      assertThat(
              m.releaseFixedPoint(huge.negate(), 0, KeyedStreamSource.forCell(SECRET, "h")).value())
          .isEqualTo(-top);
      assertThat(
              m.releaseFixedPoint(big(1), Integer.MAX_VALUE, KeyedStreamSource.forCell(SECRET, "h"))
                  .value())
          .isEqualTo(top);
      assertThat(
              m.releaseFixedPoint(
                      big(-5), Integer.MAX_VALUE, KeyedStreamSource.forCell(SECRET, "h"))
                  .value())
          .isEqualTo(-top);
      // 2^-huge rounds to 0: the release is that of 0.
      assertThat(
              m.releaseFixedPoint(huge, Integer.MIN_VALUE, KeyedStreamSource.forCell(SECRET, "z"))
                  .value())
          .isEqualTo(m.release(0.0, KeyedStreamSource.forCell(SECRET, "z")).value());
      // Just past the double range: finite, on the grid.
      BigInteger past =
          new BigDecimal(Double.MAX_VALUE).toBigIntegerExact().add(BigInteger.ONE.shiftLeft(1000));
      double released =
          m.releaseFixedPoint(past, 0, KeyedStreamSource.forCell(SECRET, "p")).value();
      assertThat(Math.abs(released)).isLessThanOrEqualTo(top);
      assertThat(released % m.granularity()).isEqualTo(0.0);
    }
  }

  /** Saturating a huge index changes no release: the same output as the exact index would give. */
  @Property(tries = 500)
  void snap_saturation_changesNoRelease(
      @ForAll @IntRange(min = 0, max = 3000) int extraBits,
      @ForAll("anyNoise") long y,
      @ForAll @IntRange(min = -1022, max = 1023) int ge) {
    double g = Math.scalb(1.0, ge);
    BigInteger units = BigInteger.ONE.shiftLeft(Grid.saturationBits(g) + extraBits).add(big(12345));
    assertThat(Grid.release(units, ge, y, g)).isEqualTo(reference(units, ge, y, g));
    assertThat(Grid.release(units.negate(), ge, y, g))
        .isEqualTo(reference(units.negate(), ge, y, g));
  }

  @Test
  void releaseFixedPoint_badArguments_throwNamingTheParameter() {
    GridMechanism<?, ?> m = MECHANISMS.get(0);
    KeyedStreamSource source = KeyedStreamSource.forCell(SECRET, "x");
    assertThatThrownBy(() -> m.releaseFixedPoint((BigInteger) null, 0, source))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("units");
    assertThatThrownBy(() -> m.releaseFixedPoint(new BigInteger[0], 0, source))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("units must hold at least one value");
    assertThatThrownBy(
            () -> m.releaseFixedPoint(new BigInteger[] {BigInteger.ONE, null}, 0, source))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("every entry of units");
  }

  @Provide
  Arbitrary<BigInteger> anyUnits() {
    return Arbitraries.oneOf(
        Arbitraries.bigIntegers()
            .between(BigInteger.ONE.shiftLeft(200).negate(), BigInteger.ONE.shiftLeft(200)),
        Arbitraries.longs().map(BigInteger::valueOf),
        Arbitraries.of(
            BigInteger.ZERO,
            BigInteger.ONE,
            BigInteger.ONE.negate(),
            BigInteger.ONE.shiftLeft(1100),
            BigInteger.ONE.shiftLeft(2100).negate()));
  }

  @Provide
  Arbitrary<Double> anyFinite() {
    return Arbitraries.oneOf(
        Arbitraries.longs().map(Double::longBitsToDouble).filter(Double::isFinite),
        Arbitraries.of(
            0.0, Double.MAX_VALUE, -Double.MAX_VALUE, Double.MIN_VALUE, 0.5, -0.5, 1.5, -1.5));
  }

  @Provide
  Arbitrary<Long> anyNoise() {
    return Arbitraries.oneOf(
        Arbitraries.longs().between(-(1L << 45), 1L << 45),
        Arbitraries.longs(),
        Arbitraries.of(0L, 1L, -1L, Long.MAX_VALUE, Long.MIN_VALUE));
  }

  @Provide
  Arbitrary<long[]> vectors() {
    return Arbitraries.longs()
        .between(-(1L << 44), 1L << 44)
        .array(long[].class)
        .ofMinSize(1)
        .ofMaxSize(8);
  }

  @Provide
  Arbitrary<long[]> shifts() {
    return Arbitraries.longs()
        .between(-(1L << 20), 1L << 20)
        .array(long[].class)
        .ofMinSize(1)
        .ofMaxSize(8);
  }
}
