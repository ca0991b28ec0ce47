package org.privspark.core.mechanism;

import org.privspark.core.accounting.ApproximateDpEvent;
import org.privspark.core.noise.Bernoulli;
import org.privspark.core.noise.NoiseSource;

/**
 * The optimal private partition selection when each privacy unit contributes to few groups: a group
 * with n distinct units is kept with probability π(n), the largest keep probabilities that (ε,
 * δ)-DP allows.
 *
 * <p><b>Mechanism.</b> For one group and one unit's worth of change (ε₁, δ₁), the most a selection
 * can keep while staying (ε₁, δ₁)-DP between n − 1 and n units is the recursion π(0) = 0, π(n) =
 * min(e^ε₁·π(n−1) + δ₁, 1 − e^−ε₁·(1 − π(n−1) − δ₁), 1). It has a closed form: the first term wins
 * while π(n−1) ≤ (1 − δ₁)/(1 + e^ε₁), giving π(n) = δ₁·(e^{nε₁} − 1)/(e^ε₁ − 1); after that step m,
 * 1 − π(n) = e^{−(n−m)ε₁}·(1 − π(m) + δ₁/(e^ε₁ − 1)) − δ₁/(e^ε₁ − 1), until π reaches 1. A unit in
 * at most L0 groups changes L0 independent decisions, so each runs at ε₁ = ε/L0 and δ₁ = δ/L0 and
 * the L0 of them compose to (ε, δ) (basic composition). For L0 = 1 this is optimal among all (ε,
 * δ)-DP selections; for small L0 it beats Laplace and Gaussian thresholding, whose tails it
 * dominates.
 *
 * <p><b>Floating point.</b> The closed form is evaluated at ε₁ and δ₁ lowered by a relative 10^−6;
 * that slack absorbs its rounding error, which is a few ulps relative to π in the first phase and a
 * few ulps relative to 1 − π + δ₁/(e^ε₁ − 1) in the second. The second phase therefore computes the
 * drop probability 1 − π itself, never π: near π = 1 a rounded π would turn a tiny drop probability
 * into 0. Each decision is an exact {@link Bernoulli} trial on the double that is computed (keep in
 * the first phase, drop in the second), so no other rounding enters. ε₁ is capped at 10 (lowering
 * ε₁ never costs privacy): above that, e^ε₁ would magnify the rounding of the step between the
 * phases beyond the slack. ε/L0 must be at least 2^−24 for the same reason.
 *
 * <p><b>Pre-threshold.</b> As in {@link LaplacePartitionSelection}: groups with fewer than p units
 * are never kept and π is evaluated at n − (p − 1).
 *
 * <p><b>Reference.</b> Desfontaines, Voss, Gipson &amp; Mandayam, "Differentially private partition
 * selection", PoPETs 2022 (arXiv:2006.03684), Theorem 1 and §4 (the "truncated geometric" selection
 * of Google's differential-privacy library and PipelineDP).
 *
 * <p>Immutable and thread-safe; the {@link NoiseSource} is not.
 */
public final class TruncatedGeometricPartitionSelection extends PartitionSelection {
  /** Relative margin taken off ε₁ and δ₁ against rounding. */
  private static final double MARGIN = 1e-6;

  /** The largest ε₁ used; see "Floating point" above. */
  private static final double MAX_UNIT_EPSILON = 10;

  /** The smallest ε/L0 accepted: below it the margin no longer covers rounding. */
  static final double MIN_UNIT_EPSILON = 0x1p-24;

  private final double epsilon;
  private final double delta;
  private final long maxPartitionsContributed;
  private final double unitEpsilon;
  private final double unitDelta;

  /** δ₁/(e^ε₁ − 1): minus the fixed point of the second phase's recursion for 1 − π. */
  private final double fixedPointOffset;

  /** m: the last unit count whose π comes from the first phase. */
  private final long lastGrowthStep;

  /** 1 − π(m) + δ₁/(e^ε₁ − 1), where the second phase starts from. */
  private final double secondPhaseStart;

  private TruncatedGeometricPartitionSelection(
      double epsilon, double delta, long l0, long preThreshold) {
    super(preThreshold);
    this.epsilon = epsilon;
    this.delta = delta;
    this.maxPartitionsContributed = l0;
    this.unitEpsilon = Math.min(MAX_UNIT_EPSILON, epsilon / l0 * (1 - MARGIN));
    this.unitDelta = delta / l0 * (1 - MARGIN);
    this.fixedPointOffset = unitDelta / StrictMath.expm1(unitEpsilon);
    this.lastGrowthStep = computeLastGrowthStep();
    this.secondPhaseStart = Math.max(0.0, 1 - growth(lastGrowthStep)) + fixedPointOffset;
  }

  /**
   * A selection at (ε, δ) for units in at most {@code maxPartitionsContributed} groups.
   *
   * @param epsilon finite, with ε/L0 &ge; 2^−24
   * @param delta in (0, 1)
   * @param maxPartitionsContributed L0 &ge; 1
   */
  public static TruncatedGeometricPartitionSelection of(
      double epsilon, double delta, long maxPartitionsContributed) {
    return of(epsilon, delta, maxPartitionsContributed, 1);
  }

  /**
   * A selection with a pre-threshold: groups with fewer than {@code preThreshold} units are never
   * kept.
   *
   * @param epsilon finite, with ε/L0 &ge; 2^−24
   * @param delta in (0, 1)
   * @param maxPartitionsContributed L0 &ge; 1
   * @param preThreshold &ge; 1
   */
  public static TruncatedGeometricPartitionSelection of(
      double epsilon, double delta, long maxPartitionsContributed, long preThreshold) {
    checkArguments(epsilon, delta, maxPartitionsContributed, preThreshold);
    if (epsilon / maxPartitionsContributed < MIN_UNIT_EPSILON) {
      throw new IllegalArgumentException(
          "epsilon / maxPartitionsContributed must be >= 2^-24 for "
              + "truncated geometric selection; got "
              + epsilon
              + " / "
              + maxPartitionsContributed);
    }
    return new TruncatedGeometricPartitionSelection(
        epsilon, delta, maxPartitionsContributed, preThreshold);
  }

  /**
   * The keep probability of a shifted count n ≥ 1, rounded to a double; the mechanism draws with
   * {@link #dropProbability} instead where that is the exact one.
   */
  @Override
  double keepShiftedProbability(long n) {
    return n <= lastGrowthStep ? Math.min(1.0, growth(n)) : 1 - drop(n);
  }

  /** The probability that a group with {@code units} distinct units is dropped. */
  public double dropProbability(long units) {
    long n = units - (preThreshold() - 1);
    if (n < 1) {
      return 1.0;
    }
    return n <= lastGrowthStep ? 1 - Math.min(1.0, growth(n)) : drop(n);
  }

  @Override
  boolean keepShifted(long n, NoiseSource source) {
    if (n <= lastGrowthStep) {
      return Bernoulli.sample(Math.min(1.0, growth(n)), source);
    }
    return !Bernoulli.sample(drop(n), source);
  }

  /** m: unit counts up to m are decided on the keep probability, later ones on the drop one. */
  long lastGrowthStep() {
    return lastGrowthStep;
  }

  /** The first phase: δ₁·(e^{nε₁} − 1)/(e^ε₁ − 1), the recursion's first term applied n times. */
  private double growth(long n) {
    return unitDelta * (StrictMath.expm1(n * unitEpsilon) / StrictMath.expm1(unitEpsilon));
  }

  /** The second phase: 1 − π(n) = e^{−(n−m)ε₁}·(1 − π(m) + c) − c, floored at 0. */
  private double drop(long n) {
    double decay = StrictMath.exp(-(double) (n - lastGrowthStep) * unitEpsilon);
    return Math.max(0.0, decay * secondPhaseStart - fixedPointOffset);
  }

  /**
   * One past the largest k with π(k) ≤ (1 − δ₁)/(1 + e^ε₁): from the closed form, then settled
   * against {@link #growth} itself so that rounding in the logarithm cannot pick the wrong step.
   */
  private long computeLastGrowthStep() {
    double limit = (1 - unitDelta) / (1 + StrictMath.exp(unitEpsilon));
    double estimate = StrictMath.log1p(limit / fixedPointOffset) / unitEpsilon;
    long k = Math.max(0, (long) Math.floor(estimate));
    while (k > 0 && growth(k) > limit) {
      k--;
    }
    while (growth(k + 1) <= limit) {
      k++;
    }
    return k + 1;
  }

  /** What the selection costs: (ε, δ) as an approximate-DP event. */
  @Override
  public ApproximateDpEvent event() {
    return new ApproximateDpEvent(epsilon, delta);
  }

  public long maxPartitionsContributed() {
    return maxPartitionsContributed;
  }

  @Override
  public String toString() {
    return "TruncatedGeometricPartitionSelection["
        + event()
        + ", L0="
        + maxPartitionsContributed
        + ", preThreshold="
        + preThreshold()
        + "]";
  }
}
