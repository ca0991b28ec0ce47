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
 * @param clipNorm C, the L2 bound of each per-example gradient (the step's sensitivity)
 * @param epochs the requested number of epochs
 * @param stepsPerEpoch ⌊1/q⌋, at least 1 (the TensorFlow Privacy convention N // B)
 * @param steps epochs × stepsPerEpoch
 * @param delta the δ at which {@link #epsilon()} is read: targetDelta, or the budget's δ
 * @param grid the accountant's order grid (the budget's)
 * @param numExamples the public N, or 0 when N is a DP count of the kept rows
 * @param numExamplesNoiseStd σ of the Gaussian noise on that DP count, or 0 when N is public
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
    long numExamples,
    double numExamplesNoiseStd) {

  /** Requires exactly one source of N: a public count, or the σ of a DP count. */
  public DpSgdPlan {
    if ((numExamples >= 1) == (numExamplesNoiseStd > 0)) {
      throw new IllegalArgumentException("exactly one of numExamples >= 1 and numExamplesNoiseStd > 0"
          + " must be given; got " + numExamples + " and " + numExamplesNoiseStd);
    }
  }

  /** Whether N is a DP count, released first, rather than a public number. */
  public boolean countsExamples() {
    return numExamplesNoiseStd > 0;
  }

  /**
   * The event the whole run charges, once, before any data is read: the {@code steps}
   * Poisson-subsampled Gaussian steps, composed with the Gaussian count of the rows when N is
   * counted ({@link #countsExamples()}).
   */
  public PrivacyEvent event() {
    return eventAfter(steps);
  }

  /** The steps alone: {@code steps} Poisson-subsampled Gaussian releases. */
  public SampledGaussianEvent trainingEvent() {
    return new SampledGaussianEvent(sampleRate, noiseMultiplier, steps);
  }

  /** The run's ε at {@link #delta()} by the RDP accountant on {@link #grid()}. */
  public double epsilon() {
    return epsilonAfter(steps);
  }

  /**
   * The ε at {@link #delta()} of what has been released once {@code stepsDone} steps are done (the
   * count, when N is counted, is released before the first step); for progress reports.
   */
  public double epsilonAfter(long stepsDone) {
    if (stepsDone == 0 && !countsExamples()) {
      return 0;
    }
    PrivacyGuarantee g = RdpAccountant.epsilonOf(eventAfter(stepsDone), delta, grid);
    return g.epsilon();
  }

  private PrivacyEvent eventAfter(long stepsDone) {
    if (!countsExamples()) {
      return new SampledGaussianEvent(sampleRate, noiseMultiplier, stepsDone);
    }
    PrivacyEvent count = DpSgd.countMechanism(numExamplesNoiseStd).event();
    return stepsDone == 0 ? count
        : ComposedEvent.of(count, new SampledGaussianEvent(sampleRate, noiseMultiplier, stepsDone));
  }

  /** The standard deviation of the Gaussian noise added to a step's summed gradient: z·C. */
  public double noiseStd() {
    return noiseMultiplier * clipNorm;
  }
}
