package org.privspark.core.mechanism;

import org.privspark.core.accounting.Calibration;
import org.privspark.core.accounting.ComposedEvent;
import org.privspark.core.accounting.DeltaEvent;
import org.privspark.core.accounting.OrderGrid;
import org.privspark.core.accounting.PrivacyEvent;
import org.privspark.core.noise.NoiseSource;

/**
 * Private partition selection by Gaussian thresholding: a group is released only if its number of
 * distinct privacy units plus discrete Gaussian noise clears a threshold.
 *
 * <p><b>Guarantee.</b> The noisy counts of all groups are one Gaussian release of L2 sensitivity
 * √L0 (a unit adds 1 to at most L0 groups, each count rounded to the grid on its own: {@link
 * GaussianMechanism} with {@code maxCoordinatesContributed} L0), charged as its RDP curve; σ is the
 * RDP calibration for (ε, δ/2). A group that one unit creates has a true count of 1 and is kept
 * only if its noise reaches λ = σ√(2 ln(1/δₐ)): the discrete Gaussian is σ-sub-Gaussian, E[e^{tX}]
 * ≤ e^{t²σ²/2} (Canonne, Kamath &amp; Steinke 2020, §2), and Chernoff's bound gives the tail, so
 * that happens with probability at most e^{−λ²/(2σ²)} = δₐ, with δₐ = 1 − (1 − δ/2)^{1/L0}; over
 * the ≤ L0 groups one unit can create, at most δ/2. That δ/2 is charged as a {@link DeltaEvent}.
 * Total: the Gaussian curve plus additive δ/2, within (ε, δ) on its own and usually well inside it
 * when composed with other Gaussian releases.
 *
 * <p><b>Pre-threshold.</b> As in {@link LaplacePartitionSelection}: groups with fewer than p units
 * are never kept, and the test runs on n − (p − 1).
 *
 * <p><b>Reference.</b> Google differential-privacy, {@code GaussianPartitionSelection} (the δ split
 * and the adjusted δ); Wilson et al., PoPETs 2020.
 */
public final class GaussianPartitionSelection extends PartitionSelection {
  private final GaussianMechanism counts;
  private final double thresholdDelta;
  private final double threshold;

  private GaussianPartitionSelection(double epsilon, double delta, long l0, long preThreshold) {
    super(preThreshold);
    double sensitivity = Math.nextUp(Math.sqrt(l0));
    double sigma =
        Calibration.rdpGaussianSigma(epsilon, delta / 2, sensitivity, OrderGrid.defaults());
    // Each group's count is rounded to the grid on its own and a unit reaches up to L0 of them.
    this.counts =
        GaussianMechanism.builder()
            .sigma(sigma)
            .l2Sensitivity(sensitivity)
            .maxCoordinatesContributed(l0)
            .build();
    this.thresholdDelta = delta / 2;
    double adjustedDelta = -StrictMath.expm1(StrictMath.log1p(-thresholdDelta) / l0);
    // The noise actually added has σ² = S·g² ≥ σ² (the mechanism rounds the variance up), so
    // measure λ with the larger σ; one more grid unit covers floating-point error.
    double actualSigma = Math.sqrt((double) counts.noise().sigmaSquared()) * counts.granularity();
    double lambda = actualSigma * Math.sqrt(2 * -StrictMath.log(adjustedDelta));
    this.threshold = Math.nextUp(1 + lambda) + counts.granularity();
  }

  /**
   * A selection at (ε, δ) for units in at most {@code maxPartitionsContributed} groups, with an
   * optional pre-threshold.
   *
   * @param epsilon &gt; 0
   * @param delta in (0, 1)
   * @param maxPartitionsContributed L0 &ge; 1
   * @param preThreshold &ge; 1
   */
  public static GaussianPartitionSelection of(
      double epsilon, double delta, long maxPartitionsContributed, long preThreshold) {
    checkArguments(epsilon, delta, maxPartitionsContributed, preThreshold);
    return new GaussianPartitionSelection(epsilon, delta, maxPartitionsContributed, preThreshold);
  }

  @Override
  boolean keepShifted(long shiftedUnits, NoiseSource source) {
    return counts.release((double) shiftedUnits, source).value() >= threshold;
  }

  /**
   * P(n' + noise ≥ threshold) for the shifted count n' = units − (p − 1), by the normal
   * approximation of the discrete Gaussian (with a continuity correction of half a grid step): a
   * prediction for planning only.
   */
  @Override
  double keepShiftedProbability(long shifted) {
    double g = counts.granularity();
    double sigma = Math.sqrt((double) counts.noise().sigmaSquared()) * g;
    double z = (threshold - shifted - g / 2) / (sigma * Math.sqrt(2));
    return 0.5 * org.apache.commons.math3.special.Erf.erfc(z);
  }

  @Override
  public PrivacyEvent event() {
    return ComposedEvent.of(counts.event(), new DeltaEvent(thresholdDelta));
  }

  /** The threshold on the noisy (pre-threshold-shifted) count, in units. */
  public double threshold() {
    return threshold;
  }

  @Override
  public String toString() {
    return "GaussianPartitionSelection[" + event() + ", threshold=" + threshold + "]";
  }
}
