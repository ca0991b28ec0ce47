package org.privspark.core.mechanism;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import org.junit.jupiter.api.Test;

/**
 * Issue 12 (hostile review): a centred contribution fl(clamp(v) − m) can exceed half the width when
 * the midpoint m is rounded; {@link Centering#bound()} is the true bound.
 */
class CenteringTest {
  @Test
  void boundsWhoseMidpointIsNotADouble_contributeTwiceTheHalfWidth_andTheBoundSaysSo() {
    Centering c = Centering.of(0x1p53, 0x1p53 + 2);
    assertThat(c.midpoint()).isEqualTo(0x1p53); // the true midpoint 2^53 + 1 is not a double
    assertThat(c.centered(0x1p53 + 2)).isEqualTo(2.0); // half the width is 1.0
    assertThat(c.bound()).isEqualTo(2.0);
    assertThat(c.squareBound()).isEqualTo(4.0);
  }

  @Test
  void exactMidpoint_boundIsHalfTheWidth() {
    Centering c = Centering.of(0, 100);
    assertThat(c.midpoint()).isEqualTo(50);
    assertThat(c.bound()).isEqualTo(50);
    assertThat(c.centered(-7)).isEqualTo(-50);
    assertThat(c.centered(1e300)).isEqualTo(50);
  }

  @Test
  void badBounds_refusedNamingThem() {
    assertThatThrownBy(() -> Centering.of(1, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("lower < upper");
    assertThatThrownBy(() -> Centering.of(-Double.MAX_VALUE, Double.MAX_VALUE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("upper - lower must be finite");
    assertThatThrownBy(() -> Centering.of(Double.NaN, 1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  /**
   * Every contribution and its square stay within the bounds, for bounds and values of any
   * magnitude.
   */
  @Property(tries = 20000)
  void everyContribution_isWithinTheBound(
      @ForAll("bounds") Tuple.Tuple2<Double, Double> bounds, @ForAll("values") double v) {
    Centering c = Centering.of(bounds.get1(), bounds.get2());
    double contribution = c.centered(v);
    assertThat(Math.abs(contribution)).isLessThanOrEqualTo(c.bound());
    assertThat(contribution * contribution).isLessThanOrEqualTo(c.squareBound());
  }

  @Provide
  Arbitrary<Tuple.Tuple2<Double, Double>> bounds() {
    Arbitrary<Double> base =
        Arbitraries.oneOf(
            Arbitraries.doubles().between(-1e6, 1e6),
            Arbitraries.longs().between(-(1L << 62), 1L << 62).map(l -> (double) l),
            Arbitraries.integers().between(-1074, 1000).map(e -> Math.scalb(1.0, e)));
    Arbitrary<Integer> ulps = Arbitraries.integers().between(1, 7);
    return Combinators.combine(base, ulps, Arbitraries.doubles().between(0, 1e3))
        .as(
            (b, n, w) -> {
              double upper = b;
              for (int i = 0; i < n; i++) {
                upper = Math.nextUp(upper);
              }
              return Tuple.of(b, w > 1 ? b + w * Math.max(1, Math.abs(b)) * 1e-3 : upper);
            })
        .filter(
            t ->
                Double.isFinite(t.get2())
                    && t.get1() < t.get2()
                    && Double.isFinite(t.get2() - t.get1()));
  }

  @Provide
  Arbitrary<Double> values() {
    return Arbitraries.oneOf(
        Arbitraries.doubles(), Arbitraries.of(Double.MAX_VALUE, -Double.MAX_VALUE, 0.0, -0.0));
  }
}
