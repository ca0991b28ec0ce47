package org.privspark.core.accounting.pld;

import org.privspark.core.Check;
import org.privspark.core.accounting.PrivacyEvent;
import org.privspark.core.accounting.RdpAccountant;
import org.privspark.core.accounting.SampledGaussianEvent;

/**
 * ε, δ and DP-SGD calibration by {@link PrivacyLossDistribution}: one call each, with the default
 * {@link PldSettings} or given ones. Every answer errs toward more privacy loss (ε, δ rounded up)
 * or more noise (the noise multiplier is the upper end of its final bracket).
 *
 * <p>Each answer is the better of the PLD figure and the RDP figure of the same event on {@link
 * PldTotal#RDP_GRID} (both are valid bounds, so their minimum is one): on very long compositions (a
 * million DP-SGD steps) the FFT error bounds the PLD carries add up to a δ floor near the target,
 * and RDP is then tighter (docs/ACCOUNTING.md, "PLD accounting"). The same rule governs PLD budgets
 * and ledgers ({@link PldTotal}).
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
    double pld = PrivacyLossDistribution.of(event, settings).epsilon(delta);
    double rdp = new RdpAccountant(PldTotal.RDP_GRID).compose(event).epsilon(delta).epsilon();
    // Both certify (ε, δ)-DP; NaN never wins (it fails closed to the other, or to +∞).
    if (Double.isNaN(pld)) {
      pld = Double.POSITIVE_INFINITY;
    }
    return rdp < pld ? rdp : pld;
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
    double pld = PrivacyLossDistribution.of(event, settings).delta(epsilon);
    double rdp = new RdpAccountant(PldTotal.RDP_GRID).compose(event).delta(epsilon).delta();
    if (Double.isNaN(pld)) {
      pld = 1;
    }
    return Math.min(1, rdp < pld ? rdp : pld);
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
   * bracket starts at z = 1, grows until the target is met, and is narrowed by interpolating log ε
   * against log z, with bisection as the fallback; the value returned always meets the target.
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
    double hi = 1;
    double epsHi = pldEpsilon(sampleRate, steps, hi, delta, settings);
    for (int guard = 0; !(epsHi <= epsilon); guard++) {
      hi *= Double.isFinite(epsHi) ? Math.max(1.25, Math.min(epsHi / epsilon, 4)) : 4;
      if (guard > 200 || !Double.isFinite(hi)) {
        throw new ArithmeticException("no finite noise multiplier meets the target");
      }
      epsHi = pldEpsilon(sampleRate, steps, hi, delta, settings);
    }
    // ε falls roughly as 1/z: guess the root from that, a little below, for the lower end.
    double lo = hi * Math.min(epsHi / epsilon, 1) * (1 - 1e-3);
    double epsLo = pldEpsilon(sampleRate, steps, lo, delta, settings);
    for (int guard = 0; epsLo <= epsilon; guard++) {
      hi = lo;
      epsHi = epsLo;
      lo *= 0.9;
      if (guard > 200 || lo < Double.MIN_NORMAL) {
        return hi;
      }
      epsLo = pldEpsilon(sampleRate, steps, lo, delta, settings);
    }
    // Invariant: hi meets the target, lo does not. Interpolate log ε against log z (nearly a
    // line), then probe just below a point that meets the target: if that fails, the bracket is
    // already narrower than the tolerance. Plain bisection whenever interpolation is unusable.
    for (int round = 0; round < 100 && hi - lo > CALIBRATION_TOLERANCE * hi; round++) {
      double mid = Math.sqrt(lo * hi);
      if (Double.isFinite(epsLo) && epsHi > 0 && round % 3 != 2) {
        double t =
            (StrictMath.log(epsLo) - StrictMath.log(epsilon))
                / (StrictMath.log(epsLo) - StrictMath.log(epsHi));
        mid = StrictMath.exp(StrictMath.log(lo) + t * (StrictMath.log(hi) - StrictMath.log(lo)));
      }
      double margin = 0.25 * CALIBRATION_TOLERANCE * hi;
      mid = Math.min(Math.max(mid, lo + margin), hi - margin);
      if (mid <= lo || mid >= hi) {
        break;
      }
      double epsMid = pldEpsilon(sampleRate, steps, mid, delta, settings);
      if (epsMid <= epsilon) {
        hi = mid;
        epsHi = epsMid;
        double probe = hi * (1 - 0.9 * CALIBRATION_TOLERANCE);
        if (probe > lo) {
          double epsProbe = pldEpsilon(sampleRate, steps, probe, delta, settings);
          if (epsProbe <= epsilon) {
            hi = probe;
            epsHi = epsProbe;
          } else {
            lo = probe;
            epsLo = epsProbe;
          }
        }
      } else {
        lo = mid;
        epsLo = epsMid;
      }
    }
    return hi;
  }

  /** ε of the run, or +∞ when the noise is too small for the grid (far from any target). */
  private static double pldEpsilon(
      double q, long steps, double z, double delta, PldSettings settings) {
    try {
      return epsilon(new SampledGaussianEvent(q, z, steps), delta, settings);
    } catch (IllegalArgumentException e) {
      return Double.POSITIVE_INFINITY;
    }
  }
}
