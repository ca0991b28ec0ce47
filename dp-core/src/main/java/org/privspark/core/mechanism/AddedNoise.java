package org.privspark.core.mechanism;

/**
 * The noise a mechanism added to a value, described exactly: an integer distribution on a
 * power-of-two grid of spacing {@link #granularity()}. Used to report accuracy (standard deviation
 * and confidence intervals); it reveals nothing about the noise actually drawn.
 */
public sealed interface AddedNoise permits DiscreteLaplaceNoise, DiscreteGaussianNoise {

  /** The grid spacing g (a power of two); released values are integer multiples of it. */
  double granularity();

  /** The standard deviation of the noise in the value's units: √Var(integer noise) · g. */
  double standardDeviation();

  /**
   * A half-width h such that |released − exact input| ≤ h with probability at least {@code level}.
   * It includes the input's rounding to the grid (at most g/2), so the interval covers the exact,
   * un-rounded input.
   *
   * @param level in (0, 1)
   */
  double halfWidth(double level);
}
