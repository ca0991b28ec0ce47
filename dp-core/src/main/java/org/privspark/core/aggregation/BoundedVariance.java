package org.privspark.core.aggregation;

import static org.privspark.core.aggregation.Intervals.clamp;
import static org.privspark.core.aggregation.Intervals.sq;

import java.util.List;
import java.util.function.Function;
import org.privspark.core.mechanism.NoisyValue;

/**
 * The population variance (or, with {@code root}, the standard deviation) of a column clamped to
 * [lower, upper] per group: Q/C − (S/C)² from the row count C, the centred sum S and the centred
 * squares Q, whose unit bounds are k, k·w and k·w² (the midpoint trick; Google's
 * differential-privacy BoundedVariance).
 *
 * <p><b>Variance weights.</b> To first order, n²·Var(var) = Var(Q) + 4μ²·Var(S) + (q − 2μ²)²·Var(C)
 * for a centred mean μ and mean centred square q. At the planner's reference group (values spread
 * uniformly over the bounds) μ = 0 and q = w²/3: Q weighs 1, C weighs w⁴/9, and S, with no
 * first-order weight, gets the planner's floor share.
 *
 * <p><b>Interval.</b> The intervals of C, S and Q at 1 − (1 − level)/3 each hold together with
 * probability ≥ level; the interval is the range of Q/C − (S/C)² over them, clamped to [0, w²] (its
 * square roots for the standard deviation). The noise std is the delta-method one.
 */
public record BoundedVariance(String column, double lower, double upper, boolean root)
    implements ScalarStatistic {

  /**
   * @throws IllegalArgumentException unless the bounds are finite, lower &lt; upper, with a finite
   *     width
   */
  public BoundedVariance {
    org.privspark.core.mechanism.Centering.of(lower, upper);
  }

  @Override
  public List<Derivation> derivations() {
    double logW = Intervals.logHalfWidth(lower, upper);
    return List.of(
        Derivation.of(
            "centred",
            Quantity.ROWS,
            4 * logW - 2 * Intervals.LOG_3,
            Quantity.centredSum(column, lower, upper),
            Double.NEGATIVE_INFINITY,
            Quantity.centredSquares(column, lower, upper),
            0.0));
  }

  @Override
  public Estimate estimate(
      Derivation derivation, Function<Quantity, NoisyValue> measured, double level) {
    NoisyValue count = measured.apply(Quantity.ROWS);
    NoisyValue centredSum = measured.apply(Quantity.centredSum(column, lower, upper));
    NoisyValue centredSquares = measured.apply(Quantity.centredSquares(column, lower, upper));
    double each = Intervals.each(level, 3);
    double halfWidth = (upper - lower) / 2;
    double w2 = halfWidth * halfWidth;
    double c = Math.max(count.value(), 1);
    double m1 = centredSum.value() / c;
    double m2 = centredSquares.value() / c;
    double value = clamp(m2 - m1 * m1, 0, w2);
    // hypot, and no 0·∞: each term is a product of finite factors, and hypot does not overflow
    // early.
    double std =
        Math.hypot(
                Math.hypot(centredSquares.noiseStd(), 2 * m1 * centredSum.noiseStd()),
                (m2 - 2 * m1 * m1) * count.noiseStd())
            / c;
    double[] cI = Intervals.of(count, each);
    double[] sI = Intervals.of(centredSum, each);
    double[] qI = Intervals.of(centredSquares, each);
    double cLo = Math.max(cI[0], 1);
    double cHi = Math.max(cI[1], 1);
    double minAbsS = (sI[0] <= 0 && sI[1] >= 0) ? 0 : Math.min(Math.abs(sI[0]), Math.abs(sI[1]));
    double maxAbsS = Math.max(Math.abs(sI[0]), Math.abs(sI[1]));
    double hi = (qI[1] >= 0 ? qI[1] / cLo : qI[1] / cHi) - sq(minAbsS / cHi);
    double lo = (qI[0] >= 0 ? qI[0] / cHi : qI[0] / cLo) - sq(maxAbsS / cLo);
    lo = clamp(lo, 0, w2);
    hi = clamp(hi, 0, w2);
    if (!root) {
      return new Estimate(value, std, lo, hi);
    }
    double sd = Math.sqrt(value);
    double sdStd = sd > 0 ? std / (2 * sd) : Math.sqrt(std);
    return new Estimate(sd, sdStd, Math.sqrt(lo), Math.sqrt(hi));
  }
}
