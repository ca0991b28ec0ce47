package org.privspark.core.accounting;

import org.privspark.core.Check;

/**
 * The Poisson-subsampled Gaussian mechanism run {@code steps} times, as in DP-SGD: each step
 * includes each record independently with probability q, sums their clipped contributions and adds
 * N(0, (zC)²) noise, where z is the noise multiplier and C the clipping norm (the sensitivity).
 *
 * <p>RDP: {@code steps} × the RDP of one step at integer and fractional orders (Mironov, Talwar
 * &amp; Zhang 2019, "Rényi Differential Privacy of the Sampled Gaussian Mechanism", §3.3), bounded
 * from above by {@link SampledGaussianRdp} (within about 1e-12 of the exact value at typical
 * settings), and the product rounded up.
 *
 * @param sampleRate the Poisson sampling rate q in [0, 1]
 * @param noiseMultiplier the noise multiplier z = σ/C &gt; 0
 * @param steps the number of steps &ge; 1
 */
public record SampledGaussianEvent(double sampleRate, double noiseMultiplier, long steps)
    implements PrivacyEvent {
  public SampledGaussianEvent {
    if (!(sampleRate >= 0 && sampleRate <= 1)) {
      throw new IllegalArgumentException("sampleRate must be in [0, 1]; got " + sampleRate);
    }
    Check.positiveFinite("noiseMultiplier", noiseMultiplier);
    Check.atLeastOne("steps", steps);
    if (steps >= (1L << 53)) {
      throw new IllegalArgumentException("steps must be < 2^53; got " + steps);
    }
  }

  @Override
  public double rdp(double order) {
    return RdpCurve.multiplyRoundingUp(
        SampledGaussianRdp.rdp(sampleRate, noiseMultiplier, order), steps);
  }
}
