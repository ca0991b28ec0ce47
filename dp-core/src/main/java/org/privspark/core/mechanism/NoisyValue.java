package org.privspark.core.mechanism;

import org.privspark.core.Check;
import org.privspark.core.accounting.PrivacyEvent;

/**
 * One released value, with what it cost and how accurate it is.
 *
 * @param value the noisy value, an integer multiple of {@code noise.granularity()}
 * @param event the privacy cost of this release
 * @param noise the noise distribution that was added (not the noise drawn)
 */
public record NoisyValue(double value, PrivacyEvent event, AddedNoise noise) {
  /** Refuses a null event or noise. */
  public NoisyValue {
    Check.notNull("event", event);
    Check.notNull("noise", noise);
  }

  /**
   * The standard deviation of the added noise, in the value's units.
   *
   * @return the standard deviation, in the value's units
   */
  public double noiseStd() {
    return noise.standardDeviation();
  }

  /**
   * An interval around {@link #value()} that contains the exact input with probability at least
   * {@code level} (for example 0.95).
   *
   * @param level the coverage probability, in (0, 1)
   * @return the interval around the released value
   */
  public ConfidenceInterval confidenceInterval(double level) {
    return ConfidenceInterval.around(value, noise.halfWidth(level), level, noise.granularity());
  }
}
