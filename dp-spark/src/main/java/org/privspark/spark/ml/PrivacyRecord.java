package org.privspark.spark.ml;

import java.io.Serializable;
import org.privspark.core.accounting.ComposedEvent;
import org.privspark.core.accounting.PrivacyEvent;
import org.privspark.core.accounting.SampledGaussianEvent;

/**
 * What training a DP-SGD model cost, saved with the model. Every field is a public parameter or
 * post-processing of a DP release: never the exact row count.
 *
 * @param sampleRate the Poisson sampling rate q
 * @param noiseMultiplier z = σ/C
 * @param steps the number of steps taken
 * @param clipNorm C, the per-example gradient bound
 * @param noiseStd the standard deviation of the noise actually added per coordinate of each
 *     summed gradient (z·C, rounded up by the mechanism's grid by a relative 2^-10 at most)
 * @param epsilon the run's ε at {@code delta} by the RDP accountant (the count's cost included)
 * @param delta the δ of {@code epsilon}
 * @param numExamples the N that the noisy sums were divided by (as q·N): the public {@code
 *     numExamples}, or, when {@code numExamplesNoiseStd} &gt; 0, the DP count of the kept rows
 *     (rounded, at least 1)
 * @param numExamplesNoiseStd σ of the Gaussian noise on that count, or 0 when N was public
 */
public record PrivacyRecord(
    double sampleRate,
    double noiseMultiplier,
    long steps,
    double clipNorm,
    double noiseStd,
    double epsilon,
    double delta,
    long numExamples,
    double numExamplesNoiseStd) implements Serializable {

  /** Whether {@link #numExamples()} is a DP count rather than a public number. */
  public boolean countedExamples() {
    return numExamplesNoiseStd > 0;
  }

  /** The event that was charged for the run: the steps, composed with the count when N was counted. */
  public PrivacyEvent event() {
    SampledGaussianEvent training = trainingEvent();
    return countedExamples()
        ? ComposedEvent.of(DpSgd.countMechanism(numExamplesNoiseStd).event(), training)
        : training;
  }

  /** The steps alone: {@code steps} Poisson-subsampled Gaussian releases. */
  public SampledGaussianEvent trainingEvent() {
    return new SampledGaussianEvent(sampleRate, noiseMultiplier, steps);
  }
}
