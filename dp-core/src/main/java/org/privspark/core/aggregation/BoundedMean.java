package org.privspark.core.aggregation;

import static org.privspark.core.aggregation.Intervals.clamp;

import java.util.List;
import java.util.function.Function;
import org.privspark.core.mechanism.Centering;
import org.privspark.core.mechanism.NoisyValue;

/**
 * The mean of a column clamped to [lower, upper] per group, by the midpoint trick: m + S/C from the
 * row count C and the centred sum S = Σ (clamp(v) − m), whose unit bound k·w depends on the width,
 * not the magnitude, of the bounds (Li et al., "Differential Privacy: From Theory to Practice",
 * 2016, §2.5; Google's differential-privacy BoundedMean).
 *
 * <p><b>Variance weights.</b> To first order, Var(mean) = (Var(S) + μ²·Var(C))/n² for n rows and a
 * centred mean μ ∈ [−w, w]. At the planner's reference group μ = 0, so C carries no first-order
 * weight and gets the planner's floor share; a count asked for with the mean, or a sum derived from
 * C, gives it more.
 *
 * <p><b>Interval.</b> The intervals of C and S at 1 − (1 − level)/2 each hold together with
 * probability ≥ level, and then S/C lies between the four corner ratios (C floored at 1); the
 * interval is that range, shifted by m and clamped to the bounds. The noise std is the delta-method
 * one.
 */
public record BoundedMean(String column, double lower, double upper) implements ScalarStatistic {

  /**
   * @throws IllegalArgumentException unless the bounds are finite, lower &lt; upper, with a finite
   *     width
   */
  public BoundedMean {
    Centering.of(lower, upper);
  }

  @Override
  public List<Derivation> derivations() {
    return List.of(
        Derivation.of(
            "centred",
            Quantity.ROWS,
            Double.NEGATIVE_INFINITY,
            Quantity.centredSum(column, lower, upper),
            0.0));
  }

  @Override
  public Estimate estimate(
      Derivation derivation, Function<Quantity, NoisyValue> measured, double level) {
    NoisyValue count = measured.apply(Quantity.ROWS);
    NoisyValue centredSum = measured.apply(Quantity.centredSum(column, lower, upper));
    double m = Centering.of(lower, upper).midpoint();
    double each = Intervals.each(level, 2);
    double c = Math.max(count.value(), 1);
    double s = centredSum.value();
    double value = clamp(m + s / c, lower, upper);
    double std = Math.hypot(centredSum.noiseStd(), s / c * count.noiseStd()) / c;
    double[] ci = ratioInterval(Intervals.of(centredSum, each), Intervals.of(count, each));
    return new Estimate(value, std, clamp(m + ci[0], lower, upper), clamp(m + ci[1], lower, upper));
  }

  /** The range of s/c over s in {@code s} and c in {@code c}, with c floored at 1. */
  private static double[] ratioInterval(double[] s, double[] c) {
    double cLo = Math.max(c[0], 1);
    double cHi = Math.max(c[1], 1);
    double[] corners = {s[0] / cLo, s[0] / cHi, s[1] / cLo, s[1] / cHi};
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (double x : corners) {
      lo = Math.min(lo, x);
      hi = Math.max(hi, x);
    }
    return new double[] {lo, hi};
  }
}
