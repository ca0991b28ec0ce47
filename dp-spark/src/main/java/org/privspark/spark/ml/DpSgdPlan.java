package org.privspark.spark.ml;

import org.privspark.core.accounting.OrderGrid;
import org.privspark.core.accounting.PrivacyGuarantee;
import org.privspark.core.accounting.RdpAccountant;
import org.privspark.core.accounting.SampledGaussianEvent;

/**
 * What a DP-SGD run will do and cost, worked out from the params alone (no data is read): the
 * Poisson sampling rate q, the noise multiplier z = σ/C, the number of steps, and the event that
 * the run charges.
 *
 * @param sampleRate the Poisson sampling rate q in (0, 1], the same q the accountant is given
 * @param noiseMultiplier z: the noise added to each step's summed gradient has standard deviation
 *     z·clipNorm (per coordinate)
 * @param clipNorm C, the L2 bound of each per-example gradient (the step's sensitivity)
 * @param epochs the requested number of epochs
 * @param stepsPerEpoch ⌊1/q⌋, at least 1 (the TensorFlow Privacy convention N // B)
 * @param steps epochs × stepsPerEpoch
 * @param delta the δ at which {@link #epsilon()} is read: targetDelta, or the budget's δ
 * @param grid the accountant's order grid (the budget's)
 */
public record DpSgdPlan(
    double sampleRate,
    double noiseMultiplier,
    double clipNorm,
    int epochs,
    long stepsPerEpoch,
    long steps,
    double delta,
    OrderGrid grid) {

  /** The event the whole run charges: {@code steps} Poisson-subsampled Gaussian steps. */
  public SampledGaussianEvent event() {
    return new SampledGaussianEvent(sampleRate, noiseMultiplier, steps);
  }

  /** The run's ε at {@link #delta()} by the RDP accountant on {@link #grid()}. */
  public double epsilon() {
    return epsilonAfter(steps);
  }

  /** The ε at {@link #delta()} of the first {@code stepsDone} steps (for progress reports). */
  public double epsilonAfter(long stepsDone) {
    if (stepsDone == 0) {
      return 0;
    }
    PrivacyGuarantee g = RdpAccountant.epsilonOf(
        new SampledGaussianEvent(sampleRate, noiseMultiplier, stepsDone), delta, grid);
    return g.epsilon();
  }

  /** The standard deviation of the Gaussian noise added to a step's summed gradient: z·C. */
  public double noiseStd() {
    return noiseMultiplier * clipNorm;
  }
}
