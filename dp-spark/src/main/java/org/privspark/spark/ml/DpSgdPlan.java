package org.privspark.spark.ml;

import org.privspark.core.accounting.ComposedEvent;
import org.privspark.core.accounting.OrderGrid;
import org.privspark.core.accounting.PrivacyEvent;
import org.privspark.core.accounting.PrivacyGuarantee;
import org.privspark.core.accounting.RdpAccountant;
import org.privspark.core.accounting.SampledGaussianEvent;

/**
 * What a DP-SGD run will do and cost, worked out from the params alone (no data is read): the
 * Poisson sampling rate q, the noise multiplier z = σ/C, the number of steps, where N comes from,
 * and the event that the run charges.
 *
 * @param sampleRate the Poisson sampling rate q in (0, 1], the same q the accountant is given
 * @param noiseMultiplier z: the noise added to each step's summed gradient has standard deviation
 *     z·clipNorm (per coordinate)
 * @param clipNorm C, the L2 bound of each row's gradient and of each unit's sum of them (the step's
 *     sensitivity)
 * @param epochs the requested number of epochs
 * @param stepsPerEpoch ⌊1/q⌋, at least 1 (the TensorFlow Privacy convention N // B)
 * @param steps epochs × stepsPerEpoch
 * @param delta the δ at which {@link #epsilon()} is read: targetDelta, or the budget's δ
 * @param grid the accountant's order grid (the budget's)
 * @param numUnits the public number of units N, or 0 when N is a DP count of the units
 * @param numUnitsNoiseStd σ of the Gaussian noise on that DP count, or 0 when N is public
 */
public record DpSgdPlan(
    double sampleRate,
    double noiseMultiplier,
    double clipNorm,
    int epochs,
    long stepsPerEpoch,
    long steps,
    double delta,
    OrderGrid grid,
    long numUnits,
    double numUnitsNoiseStd) {

  /** Requires exactly one source of N: a public count, or the σ of a DP count. */
  public DpSgdPlan {
    if ((numUnits >= 1) == (numUnitsNoiseStd > 0)) {
      throw new IllegalArgumentException(
          "exactly one of numUnits >= 1 and numUnitsNoiseStd > 0"
              + " must be given; got "
              + numUnits
              + " and "
              + numUnitsNoiseStd);
    }
  }

  /**
   * Whether N is a DP count of the units, released first, rather than a public number.
   *
   * @return true when N is counted with noise, false when it is public
   */
  public boolean countsUnits() {
    return numUnitsNoiseStd > 0;
  }

  /**
   * The event the whole run charges, once, before any data is read: the {@code steps}
   * Poisson-subsampled Gaussian steps, composed with the Gaussian count of the units when N is
   * counted ({@link #countsUnits()}).
   *
   * @return the event of the whole run
   */
  public PrivacyEvent event() {
    return eventAfter(steps);
  }

  /**
   * The steps alone: {@code steps} Poisson-subsampled Gaussian releases.
   *
   * @return the event of the steps, without the count
   */
  public SampledGaussianEvent trainingEvent() {
    return new SampledGaussianEvent(sampleRate, noiseMultiplier, steps);
  }

  /**
   * The run's ε at {@link #delta()} by the RDP accountant on {@link #grid()}.
   *
   * @return ε of the whole run
   */
  public double epsilon() {
    return epsilonAfter(steps);
  }

  /**
   * The ε at {@link #delta()} of what has been released once {@code stepsDone} steps are done (the
   * count, when N is counted, is released before the first step); for progress reports.
   *
   * @param stepsDone the steps done so far, in [0, {@link #steps()}]
   * @return ε of what has been released so far; 0 before the first step when N is public
   */
  public double epsilonAfter(long stepsDone) {
    if (stepsDone == 0 && !countsUnits()) {
      return 0;
    }
    PrivacyGuarantee g = RdpAccountant.epsilonOf(eventAfter(stepsDone), delta, grid);
    return g.epsilon();
  }

  private PrivacyEvent eventAfter(long stepsDone) {
    if (!countsUnits()) {
      return new SampledGaussianEvent(sampleRate, noiseMultiplier, stepsDone);
    }
    PrivacyEvent count = DpSgd.countMechanism(numUnitsNoiseStd).event();
    return stepsDone == 0
        ? count
        : ComposedEvent.of(count, new SampledGaussianEvent(sampleRate, noiseMultiplier, stepsDone));
  }

  /**
   * The standard deviation of the Gaussian noise added to a step's summed gradient: z·C.
   *
   * @return z·C
   */
  public double noiseStd() {
    return noiseMultiplier * clipNorm;
  }
}
