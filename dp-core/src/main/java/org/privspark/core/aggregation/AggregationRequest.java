package org.privspark.core.aggregation;

import java.util.List;
import java.util.function.ToDoubleFunction;
import org.privspark.core.Check;

/**
 * What a private aggregation asks the {@link AggregationPlanner} for.
 *
 * @param statistics the statistics, in output order (at least one)
 * @param weights one weight in [{@value #MIN_WEIGHT}, {@value #MAX_WEIGHT}] per statistic: how much
 *     its normalised error counts in the objective the budget split minimises (1 each by default);
 *     only their ratios matter
 * @param privateGroups whether groups are selected privately (and so cost budget)
 * @param selectionWeight in [{@value #MIN_WEIGHT}, {@value #MAX_WEIGHT}]: with private groups,
 *     selection gets ε·selectionWeight/(statistics + selectionWeight), a share that the statistics'
 *     weights do not change
 * @param preThreshold groups with fewer units are never released (private groups), ≥ 1
 * @param l0 the most groups one unit contributes to, ≥ 1
 * @param epsilon the query's ε, finite and &gt; 0
 * @param delta the query's δ, in [0, 1)
 * @param noise the noise, or {@link NoiseKind#AUTO}
 * @param selection the partition selection, or null for the noise's default
 * @param unitBound c(q): the most one unit adds to one group's value of quantity q (to one group's
 *     bin vector, in L1, for a histogram), after bounding; the planner's sensitivities are L0·c
 *     (L1) and √L0·c (L2), rounded up
 */
public record AggregationRequest(
    List<Statistic> statistics,
    List<Double> weights,
    boolean privateGroups,
    double selectionWeight,
    long preThreshold,
    long l0,
    double epsilon,
    double delta,
    NoiseKind noise,
    PartitionSelectionStrategy selection,
    ToDoubleFunction<Quantity> unitBound) {

  /** The smallest weight: ratios beyond 10^12 leave some share below every mechanism's range. */
  public static final double MIN_WEIGHT = 1e-6;

  /** The largest weight. */
  public static final double MAX_WEIGHT = 1e6;

  public AggregationRequest {
    statistics = List.copyOf(statistics);
    weights = List.copyOf(weights);
    if (statistics.isEmpty()) {
      throw new IllegalArgumentException("a query must ask for at least one statistic; got none");
    }
    if (weights.size() != statistics.size()) {
      throw new IllegalArgumentException(
          "weights must hold one weight per statistic; got "
              + weights.size()
              + " for "
              + statistics.size());
    }
    weights.forEach(w -> Check.inClosed("weight", w, MIN_WEIGHT, MAX_WEIGHT));
    Check.inClosed("selectionWeight", selectionWeight, MIN_WEIGHT, MAX_WEIGHT);
    Check.atLeastOne("preThreshold", preThreshold);
    Check.atLeastOne("l0", l0);
    Check.positiveFinite("epsilon", epsilon);
    Check.inHalfOpen("delta", delta, 0.0, 1.0);
    Check.notNull("noise", noise);
    Check.notNull("unitBound", unitBound);
    if (noise == NoiseKind.GAUSSIAN && delta == 0) {
      throw new IllegalArgumentException("delta must be > 0 for Gaussian noise; got 0.0");
    }
    if (privateGroups && delta == 0) {
      throw new IllegalArgumentException(
          "delta must be > 0 for private partition selection; got 0.0 (set delta, or list public"
              + " groups)");
    }
  }

  /** Σ of the statistics' weights (the objective's; the selection share uses their number). */
  double weightSum() {
    return weights.stream().mapToDouble(Double::doubleValue).sum();
  }
}
