package org.privspark.core.mechanism;

import org.privspark.core.accounting.ApproximateDpEvent;
import org.privspark.core.noise.NoiseSource;

/**
 * Private partition selection by Laplace thresholding: a group (partition) is released only if a
 * noisy count of its distinct privacy units clears a threshold, so that groups which exist because
 * of one unit are published with probability at most δ.
 *
 * <p><b>Guarantee.</b> (ε', δ)-DP with ε' ≤ ε, charged as {@link ApproximateDpEvent}(ε', δ), when
 * each privacy unit contributes to at most L0 groups. The noisy counts of all groups form one
 * Laplace release of L1 sensitivity L0 over up to L0 separately rounded counts (ε'-DP, {@link
 * LaplaceMechanism} with {@code maxCoordinatesContributed} L0); a group that one unit creates has a
 * true count of 1, and is kept only if its noise Y (discrete Laplace of scale T, in grid units g)
 * reaches m units: P(Y ≥ m) = q^m/(1 + q) with q = e^{−1/T}. m is the smallest integer with that
 * probability at most δₐ = 1 − (1 − δ)^{1/L0}, plus one unit of margin against floating-point
 * error, so the L0 groups one unit can create are all dropped with probability at least (1 −
 * δₐ)^{L0} = 1 − δ.
 *
 * <p><b>Pre-threshold.</b> With a pre-threshold p ≥ 1, groups with fewer than p units are never
 * released and the test runs on n − (p − 1), so that p units play the role of one in the argument
 * above.
 *
 * <p><b>Reference.</b> Wilson et al., "Differentially Private SQL with Bounded User Contribution",
 * PoPETs 2020, §3; Google differential-privacy, {@code LaplacePartitionSelection} (the adjusted δ).
 *
 * <p>Immutable and thread-safe; the {@link NoiseSource} is not.
 */
public final class LaplacePartitionSelection extends PartitionSelection {
  private final LaplaceMechanism counts;
  private final double delta;
  private final long maxPartitionsContributed;
  private final double threshold;

  private LaplacePartitionSelection(double epsilon, double delta, long l0, long preThreshold) {
    super(preThreshold);
    // Each group's count is rounded to the grid on its own and a unit reaches up to L0 of them.
    this.counts =
        LaplaceMechanism.builder()
            .epsilon(epsilon)
            .l1Sensitivity(l0)
            .maxCoordinatesContributed(l0)
            .build();
    this.delta = delta;
    this.maxPartitionsContributed = l0;
    double adjustedDelta = -StrictMath.expm1(StrictMath.log1p(-delta) / l0);
    long scale = counts.noise().scale();
    double q = StrictMath.exp(-1.0 / scale);
    double units = scale * (-StrictMath.log(adjustedDelta) - StrictMath.log1p(q));
    long m = Math.max(1, (long) Math.ceil(units)) + 1;
    this.threshold = 1 + m * counts.granularity();
  }

  /**
   * A selection at (ε, δ) for units that contribute to at most {@code maxPartitionsContributed}
   * groups, with no pre-threshold.
   */
  public static LaplacePartitionSelection of(
      double epsilon, double delta, long maxPartitionsContributed) {
    return of(epsilon, delta, maxPartitionsContributed, 1);
  }

  /**
   * A selection with a pre-threshold: groups with fewer than {@code preThreshold} units are never
   * kept.
   *
   * @param epsilon in [2^-30, 2^12]
   * @param delta in (0, 1)
   * @param maxPartitionsContributed L0 &ge; 1
   * @param preThreshold &ge; 1
   */
  public static LaplacePartitionSelection of(
      double epsilon, double delta, long maxPartitionsContributed, long preThreshold) {
    checkArguments(epsilon, delta, maxPartitionsContributed, preThreshold);
    return new LaplacePartitionSelection(epsilon, delta, maxPartitionsContributed, preThreshold);
  }

  @Override
  boolean keepShifted(long shiftedUnits, NoiseSource source) {
    return counts.release((double) shiftedUnits, source).value() >= threshold;
  }

  /**
   * P(snap(n') + g·Y ≥ threshold) for the shifted count n' = units − (p − 1): with j the grid units
   * the snapped count is short of the threshold, P(Y ≥ j) = q^j/(1 + q) for j ≥ 1 and 1 −
   * q^{1−j}/(1 + q) otherwise, q = e^{−1/t} (t the integer scale).
   */
  @Override
  double keepShiftedProbability(long shifted) {
    double g = counts.granularity();
    double snapped = Math.floor(shifted / g + 0.5) * g; // the grid's rounding, halves up
    double j = Math.ceil((threshold - snapped) / g);
    double logQ = -1.0 / counts.noise().scale();
    double q = Math.exp(logQ);
    return j >= 1 ? Math.exp(j * logQ) / (1 + q) : 1 - Math.exp((1 - j) * logQ) / (1 + q);
  }

  /** What the selection costs: the counts' pure ε' ≤ ε, and δ. */
  @Override
  public ApproximateDpEvent event() {
    return new ApproximateDpEvent(counts.event().pureEpsilon(), delta);
  }

  /** The threshold on the noisy (pre-threshold-shifted) count, in units. */
  public double threshold() {
    return threshold;
  }

  public long maxPartitionsContributed() {
    return maxPartitionsContributed;
  }

  @Override
  public String toString() {
    return "LaplacePartitionSelection["
        + event()
        + ", L0="
        + maxPartitionsContributed
        + ", preThreshold="
        + preThreshold()
        + ", threshold="
        + threshold
        + "]";
  }
}
