package org.privspark.core.aggregation;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.privspark.core.mechanism.Centering;
import org.privspark.core.mechanism.NoisyValue;

/**
 * The sum of a column clamped to [lower, upper] per group. Two derivations:
 *
 * <ul>
 *   <li><b>direct</b>: one measured sum of clamp(v), whose unit bound is k·max(|lower|, |upper|);
 *   <li><b>centred</b>: m·C + S from the row count C and the centred sum S = Σ (clamp(v) − m), m
 *       the midpoint, whose unit bounds are k and k·w (w = half the width). Its variance is
 *       m²·Var(C) + Var(S). It pays off when C and S are measured anyway (a count or a mean of the
 *       same bounds is asked for too), or when m is 0; alone, the direct sum is never worse (by the
 *       power-mean inequality, (|m|^{2/3} + w^{2/3})³ ≥ (|m| + w)²).
 * </ul>
 *
 * The {@link AggregationPlanner} picks the one that minimises the query's objective. The centred
 * derivation exists only when the width upper − lower is a finite double.
 */
public record BoundedSum(String column, double lower, double upper) implements ScalarStatistic {

  /**
   * @throws IllegalArgumentException unless the bounds are finite with lower &lt; upper
   */
  public BoundedSum {
    if (!Double.isFinite(lower) || !Double.isFinite(upper) || !(lower < upper)) {
      throw new IllegalArgumentException(
          "bounds of '"
              + column
              + "' must be finite with lower < upper; got ["
              + lower
              + ", "
              + upper
              + "]");
    }
  }

  @Override
  public List<Derivation> derivations() {
    List<Derivation> out = new ArrayList<>();
    out.add(Derivation.of("direct", Quantity.sum(column, lower, upper), 0.0));
    if (Double.isFinite(upper - lower)) {
      double m = Centering.of(lower, upper).midpoint();
      // With m = 0 the sum is S itself, and the count is not read.
      out.add(
          m == 0
              ? Derivation.of("centred", Quantity.centredSum(column, lower, upper), 0.0)
              : Derivation.of(
                  "centred",
                  Quantity.ROWS,
                  2 * Math.log(Math.abs(m)),
                  Quantity.centredSum(column, lower, upper),
                  0.0));
    }
    return out;
  }

  @Override
  public Estimate estimate(
      Derivation derivation, Function<Quantity, NoisyValue> measured, double level) {
    if (derivation.name().equals("direct")) {
      return ScalarStatistic.direct(measured.apply(Quantity.sum(column, lower, upper)), level);
    }
    NoisyValue s = measured.apply(Quantity.centredSum(column, lower, upper));
    double m = Centering.of(lower, upper).midpoint();
    if (m == 0) {
      return ScalarStatistic.direct(s, level);
    }
    NoisyValue c = measured.apply(Quantity.ROWS);
    // Both intervals at 1 − (1 − level)/2: together they hold with probability ≥ level, and then
    // m·C + S is within m·[C interval] + [S interval].
    double each = Intervals.each(level, 2);
    double[] cI = Intervals.of(c, each);
    double[] sI = Intervals.of(s, each);
    double value = Intervals.finite(m * c.value() + s.value());
    double std = Math.hypot(m * c.noiseStd(), s.noiseStd());
    double low = Intervals.finite(m * (m > 0 ? cI[0] : cI[1]) + sI[0]);
    double high = Intervals.finite(m * (m > 0 ? cI[1] : cI[0]) + sI[1]);
    return new Estimate(value, std, Math.min(low, value), Math.max(high, value));
  }
}
