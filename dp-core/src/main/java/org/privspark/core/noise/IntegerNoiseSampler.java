package org.privspark.core.noise;

/**
 * An exact sampler of integer-valued noise. Implementations are immutable and thread-safe; the
 * {@link NoiseSource} is not.
 */
public sealed interface IntegerNoiseSampler
    permits DiscreteLaplaceSampler, DiscreteGaussianSampler {

  /** One exact sample. */
  long sample(NoiseSource source);
}
