package org.privspark.core.accounting.pld;

import org.privspark.core.Check;
import org.privspark.core.accounting.Calibration;
import org.privspark.core.accounting.OrderGrid;
import org.privspark.core.accounting.PrivacyEvent;
import org.privspark.core.accounting.SampledGaussianEvent;

/**
 * ε, δ and DP-SGD calibration by {@link PrivacyLossDistribution}: one call each, with the default
 * {@link PldSettings} or given ones. Every answer errs toward more privacy loss (ε, δ rounded up)
 * or more noise (the noise multiplier is the upper end of its final bracket).
 */
public final class PldAccountant {
  /** Relative width at which the noise-multiplier bisection stops. */
  private static final double CALIBRATION_TOLERANCE = 1e-4;

  private PldAccountant() {}

  /**
   * ε for δ of {@code event}, default settings.
   *
   * @param event the event (see {@link PrivacyLossDistribution#of} for the supported kinds)
   * @param delta δ in (0, 1)
   * @return ε, rounded up
   * @throws UnsupportedPldException if the event has no PLD
   */
  public static double epsilon(PrivacyEvent event, double delta) {
    return epsilon(event, delta, PldSettings.defaults());
  }

  /**
   * ε for δ of {@code event}.
   *
   * @param event the event
   * @param delta δ in (0, 1)
   * @param settings the discretisation
   * @return ε, rounded up
   */
  public static double epsilon(PrivacyEvent event, double delta, PldSettings settings) {
    Check.inOpen("delta", delta, 0.0, 1.0);
    return PrivacyLossDistribution.of(event, settings).epsilon(delta);
  }

  /**
   * δ for ε of {@code event}, default settings.
   *
   * @param event the event
   * @param epsilon ε &ge; 0
   * @return δ, rounded up
   */
  public static double delta(PrivacyEvent event, double epsilon) {
    return delta(event, epsilon, PldSettings.defaults());
  }

  /**
   * δ for ε of {@code event}.
   *
   * @param event the event
   * @param epsilon ε &ge; 0
   * @param settings the discretisation
   * @return δ, rounded up
   */
  public static double delta(PrivacyEvent event, double epsilon, PldSettings settings) {
    Check.nonNegativeFinite("epsilon", epsilon);
    return PrivacyLossDistribution.of(event, settings).delta(epsilon);
  }

  /**
   * The smallest noise multiplier z for which {@code steps} Poisson-subsampled Gaussian steps at
   * rate q are (ε, δ)-DP by PLD accounting, default settings.
   *
   * @param sampleRate q in (0, 1]
   * @param steps the number of steps, &ge; 1
   * @param epsilon ε, finite and &gt; 0
   * @param delta δ in (0, 1)
   * @return z (the upper end of the final bracket, within a relative 1e-4 of the smallest)
   */
  public static double dpSgdNoiseMultiplier(
      double sampleRate, long steps, double epsilon, double delta) {
    return dpSgdNoiseMultiplier(sampleRate, steps, epsilon, delta, PldSettings.defaults());
  }

  /**
   * As {@link #dpSgdNoiseMultiplier(double, long, double, double)}, with given settings. The
   * bracket starts at the RDP accountant's answer (PLD's ε is at most a little above RDP's, and
   * usually below) and is bisected geometrically; the value returned always meets the target.
   *
   * @param sampleRate q in (0, 1]
   * @param steps the number of steps, &ge; 1
   * @param epsilon ε, finite and &gt; 0
   * @param delta δ in (0, 1)
   * @param settings the discretisation
   * @return z, the upper end of the final bracket
   * @throws ArithmeticException if no finite noise multiplier meets the target
   */
  public static double dpSgdNoiseMultiplier(
      double sampleRate, long steps, double epsilon, double delta, PldSettings settings) {
    Check.inLeftOpen("sampleRate", sampleRate, 0.0, 1.0);
    Check.atLeastOne("steps", steps);
    Check.positiveFinite("epsilon", epsilon);
    Check.inOpen("delta", delta, 0.0, 1.0);
    Check.notNull("settings", settings);
    double hi =
        Calibration.dpSgdNoiseMultiplier(sampleRate, steps, epsilon, delta, OrderGrid.defaults());
    int guard = 0;
    while (!meets(sampleRate, steps, hi, epsilon, delta, settings)) {
      hi *= 1.25;
      if (++guard > 200 || !Double.isFinite(hi)) {
        throw new ArithmeticException("no finite noise multiplier meets the target");
      }
    }
    double lo = hi * 0.8;
    guard = 0;
    while (meets(sampleRate, steps, lo, epsilon, delta, settings)) {
      hi = lo;
      lo *= 0.8;
      if (++guard > 200 || lo < Double.MIN_NORMAL) {
        return hi;
      }
    }
    // Invariant: hi meets the target, lo does not.
    while (hi - lo > CALIBRATION_TOLERANCE * hi) {
      double mid = Math.sqrt(lo * hi);
      if (mid <= lo || mid >= hi) {
        break;
      }
      if (meets(sampleRate, steps, mid, epsilon, delta, settings)) {
        hi = mid;
      } else {
        lo = mid;
      }
    }
    return hi;
  }

  private static boolean meets(
      double q, long steps, double z, double epsilon, double delta, PldSettings settings) {
    try {
      return epsilon(new SampledGaussianEvent(q, z, steps), delta, settings) <= epsilon;
    } catch (IllegalArgumentException e) {
      // So little noise that the grid would need too many points: far from the target anyway;
      // the value returned is always one that was accounted and met the target.
      return false;
    }
  }
}
