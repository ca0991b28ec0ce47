package org.privspark.spark.ml;

import java.io.Serializable;
import org.privspark.core.accounting.SampledGaussianEvent;

/**
 * What training a DP-SGD model cost, saved with the model.
 *
 * @param sampleRate the Poisson sampling rate q
 * @param noiseMultiplier z = σ/C
 * @param steps the number of steps taken
 * @param clipNorm C, the per-example gradient bound
 * @param noiseStd the standard deviation of the noise actually added per coordinate of each
 *     summed gradient (z·C, rounded up by the mechanism's grid by a relative 2^-10 at most)
 * @param epsilon the run's ε at {@code delta} by the RDP accountant
 * @param delta the δ of {@code epsilon}
 * @param numExamples the public N that the noisy sums were divided by (as q·N)
 */
public record PrivacyRecord(
    double sampleRate,
    double noiseMultiplier,
    long steps,
    double clipNorm,
    double noiseStd,
    double epsilon,
    double delta,
    long numExamples) implements Serializable {

  /** The event that was charged for the run. */
  public SampledGaussianEvent event() {
    return new SampledGaussianEvent(sampleRate, noiseMultiplier, steps);
  }
}
