package org.privspark.core.mechanism;

import java.util.Arrays;
import org.privspark.core.Check;
import org.privspark.core.accounting.PrivacyEvent;

/**
 * A released vector, with what it cost and how accurate each coordinate is. Every coordinate has
 * independent noise of the same distribution.
 *
 * @param values the noisy values (copied in and out), integer multiples of {@code
 *     noise.granularity()}
 * @param event the privacy cost of releasing the whole vector
 * @param noise the per-coordinate noise distribution that was added (not the noise drawn)
 */
public record NoisyVector(double[] values, PrivacyEvent event, AddedNoise noise) {
  /** Checks that no component is null, and copies {@code values}. */
  public NoisyVector {
    Check.notNull("values", values);
    Check.notNull("event", event);
    Check.notNull("noise", noise);
    values = values.clone();
  }

  /**
   * A copy of the noisy values.
   *
   * @return the noisy values, a copy
   */
  @Override
  public double[] values() {
    return values.clone();
  }

  /**
   * The noisy value at {@code index}.
   *
   * @param index the coordinate, in [0, {@link #size()})
   * @return the noisy value of that coordinate
   */
  public double value(int index) {
    return values[index];
  }

  /**
   * The number of coordinates.
   *
   * @return the number of coordinates
   */
  public int size() {
    return values.length;
  }

  /**
   * The standard deviation of each coordinate's noise, in the values' units.
   *
   * @return the noise standard deviation, the same for every coordinate
   */
  public double noiseStd() {
    return noise.standardDeviation();
  }

  /**
   * An interval around coordinate {@code index} that contains its exact input with probability at
   * least {@code level} (per coordinate, not simultaneously for all coordinates).
   *
   * @param index the coordinate, in [0, {@link #size()})
   * @param level the coverage probability, in (0, 1)
   * @return the interval around that coordinate
   */
  public ConfidenceInterval confidenceInterval(int index, double level) {
    return ConfidenceInterval.around(
        values[index], noise.halfWidth(level), level, noise.granularity());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NoisyVector v
        && Arrays.equals(values, v.values)
        && event.equals(v.event)
        && noise.equals(v.noise);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * Arrays.hashCode(values) + event.hashCode()) + noise.hashCode();
  }

  @Override
  public String toString() {
    return "NoisyVector[size=" + values.length + ", event=" + event + ", noise=" + noise + "]";
  }
}
