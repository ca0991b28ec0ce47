package org.privspark.core.aggregation;

import java.util.function.Function;
import org.privspark.core.mechanism.NoisyValue;

/** A statistic with one value per group, estimated from the noisy values of its quantities. */
public sealed interface ScalarStatistic extends Statistic
    permits BoundedCount, DistinctUnitCount, BoundedSum, BoundedMean, BoundedVariance {

  /**
   * The estimate by {@code derivation} (one of {@link #derivations()}) from the measured values,
   * with an interval at {@code level}. Post-processing only: it never reads private data.
   */
  Estimate estimate(Derivation derivation, Function<Quantity, NoisyValue> measured, double level);

  /** The measured value's own estimate: its value, noise and exact interval. */
  static Estimate direct(NoisyValue v, double level) {
    var ci = v.confidenceInterval(level);
    return new Estimate(v.value(), v.noiseStd(), ci.lower(), ci.upper());
  }
}
