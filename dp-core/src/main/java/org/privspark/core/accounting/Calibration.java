package org.privspark.core.accounting;

import static org.privspark.core.internal.LogMath.logNormalCdf;
import static org.privspark.core.internal.LogMath.logSub;

import java.util.function.DoublePredicate;
import org.privspark.core.Check;

/**
 * Finds the smallest noise that meets a target (ε, δ). Every answer errs toward more noise: the
 * searches return the upper end of their final bracket, which is known to satisfy the target, and σ
 * = z·Δ is rounded up.
 */
public final class Calibration {
  private static final double RELATIVE_TOLERANCE = 1e-12;

  /**
   * The analytic Gaussian's log δ is computed from normal tails (commons-math's erfc, accurate to
   * about 1e-15 relative) and one log-difference; the target is lowered by this much (a relative
   * 1e-9 on δ) so that rounding in that computation cannot pass a σ that is too small.
   */
  private static final double ANALYTIC_LOG_DELTA_MARGIN = 1e-9;

  private Calibration() {}

  /**
   * The smallest σ for which one Gaussian release of L2 sensitivity Δ is (ε, δ)-DP, by the exact
   * characterisation of the analytic Gaussian mechanism (Balle &amp; Wang 2018, "Improving the
   * Gaussian Mechanism for Differential Privacy", Thm. 8): δ(σ) = Φ(Δ/(2σ) − εσ/Δ) − e^ε Φ(−Δ/(2σ)
   * − εσ/Δ), which decreases in σ.
   *
   * @param epsilon ε, finite and &gt; 0
   * @param delta δ, in (0, 1)
   * @param l2Sensitivity Δ, finite and &gt; 0
   * @return σ, rounded up
   */
  public static double analyticGaussianSigma(double epsilon, double delta, double l2Sensitivity) {
    Check.positiveFinite("epsilon", epsilon);
    Check.inOpen("delta", delta, 0.0, 1.0);
    Check.positiveFinite("l2Sensitivity", l2Sensitivity);
    double logTarget = Directed.below(StrictMath.log(delta)) - ANALYTIC_LOG_DELTA_MARGIN;
    double multiplier =
        smallestPositive(z -> analyticGaussianLogDelta(epsilon, z) <= logTarget, 1.0);
    return Directed.multiplyUp(multiplier, l2Sensitivity);
  }

  /**
   * log δ(ε) of the Gaussian mechanism with noise multiplier z = σ/Δ (Balle &amp; Wang, Thm. 8).
   *
   * @param epsilon ε, &ge; 0
   * @param noiseMultiplier z = σ/Δ, &gt; 0
   * @return log δ, or negative infinity when δ is 0 in double precision
   */
  public static double analyticGaussianLogDelta(double epsilon, double noiseMultiplier) {
    double z = noiseMultiplier;
    double a = 1 / (2 * z) - epsilon * z;
    double b = -1 / (2 * z) - epsilon * z;
    double first = logNormalCdf(a);
    double second = epsilon + logNormalCdf(b);
    return second >= first ? Double.NEGATIVE_INFINITY : logSub(first, second);
  }

  /**
   * The smallest σ for which one Gaussian release of L2 sensitivity Δ is (ε, δ)-DP as certified by
   * the RDP accountant on {@code grid} (never smaller than {@link #analyticGaussianSigma}; it is
   * the σ whose cost a {@link PrivacyBudget} on that grid would accept).
   *
   * @param epsilon ε, finite and &gt; 0
   * @param delta δ, in (0, 1)
   * @param l2Sensitivity Δ, finite and &gt; 0
   * @param grid the RDP orders the accountant uses
   * @return σ, rounded up
   */
  public static double rdpGaussianSigma(
      double epsilon, double delta, double l2Sensitivity, OrderGrid grid) {
    Check.positiveFinite("epsilon", epsilon);
    Check.inOpen("delta", delta, 0.0, 1.0);
    Check.positiveFinite("l2Sensitivity", l2Sensitivity);
    Check.notNull("grid", grid);
    double multiplier =
        smallestPositive(
            z ->
                RdpAccountant.epsilonOf(GaussianEvent.withNoiseMultiplier(z), delta, grid).epsilon()
                    <= epsilon,
            1.0);
    return Directed.multiplyUp(multiplier, l2Sensitivity);
  }

  /**
   * The smallest noise multiplier z for which DP-SGD — {@code steps} Poisson-subsampled Gaussian
   * steps at sampling rate q — is (ε, δ)-DP by the RDP accountant on {@code grid}. Bisection: ε
   * decreases as z grows.
   *
   * @param sampleRate q, the Poisson sampling rate, in (0, 1]
   * @param steps the number of steps, &ge; 1
   * @param epsilon ε, finite and &gt; 0
   * @param delta δ, in (0, 1)
   * @param grid the RDP orders the accountant uses
   * @return z = σ/C, where C is the clipping norm
   */
  public static double dpSgdNoiseMultiplier(
      double sampleRate, long steps, double epsilon, double delta, OrderGrid grid) {
    Check.inLeftOpen("sampleRate", sampleRate, 0.0, 1.0);
    Check.atLeastOne("steps", steps);
    Check.positiveFinite("epsilon", epsilon);
    Check.inOpen("delta", delta, 0.0, 1.0);
    Check.notNull("grid", grid);
    return smallestPositive(
        z ->
            RdpAccountant.epsilonOf(new SampledGaussianEvent(sampleRate, z, steps), delta, grid)
                    .epsilon()
                <= epsilon,
        1.0);
  }

  /**
   * The smallest noise scale x &gt; 0 (to relative precision 1e-12) that meets a target, for a
   * predicate that is false below some threshold and true above it (more noise never hurts).
   * Returns a value for which {@code meetsTarget} is true; for calibrating several mechanisms
   * together through the accountant.
   *
   * @param start where the search starts, &gt; 0
   * @param meetsTarget whether a scale is enough; monotone: false, then true
   * @return a scale that meets the target, within 1e-12 of the smallest
   * @throws ArithmeticException if no finite scale meets the target
   */
  public static double smallestSatisfying(DoublePredicate meetsTarget, double start) {
    Check.notNull("meetsTarget", meetsTarget);
    Check.positiveFinite("start", start);
    return smallestPositive(meetsTarget, start);
  }

  static double smallestPositive(DoublePredicate ok, double start) {
    double hi = start;
    int guard = 0;
    while (!ok.test(hi)) {
      hi *= 2;
      if (++guard > 1100 || !Double.isFinite(hi)) {
        throw new ArithmeticException("no finite noise level meets the target");
      }
    }
    double lo = hi / 2;
    guard = 0;
    while (ok.test(lo)) {
      hi = lo;
      lo /= 2;
      if (++guard > 1100 || lo == 0) {
        return hi;
      }
    }
    // Invariant: ok(hi), !ok(lo). Bisect in the geometric mean.
    for (int i = 0; i < 200 && hi - lo > RELATIVE_TOLERANCE * hi; i++) {
      double mid = Math.sqrt(lo * hi);
      if (mid <= lo || mid >= hi) {
        break;
      }
      if (ok.test(mid)) {
        hi = mid;
      } else {
        lo = mid;
      }
    }
    return hi;
  }
}
