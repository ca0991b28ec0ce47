package org.privspark.core.internal;

import org.apache.commons.math3.special.Erf;
import org.apache.commons.math3.special.Gamma;

/**
 * Log-space arithmetic for the accountant: sums of exponentials without overflow and the log of the
 * Gaussian tail without underflow.
 */
public final class LogMath {
  private static final double LOG_SQRT_PI = 0.5 * StrictMath.log(Math.PI);

  private LogMath() {}

  /** log(e^a + e^b), exact for infinite arguments. */
  public static double logAdd(double a, double b) {
    double hi = Math.max(a, b);
    double lo = Math.min(a, b);
    if (hi == Double.NEGATIVE_INFINITY) {
      return hi;
    }
    return hi + StrictMath.log1p(StrictMath.exp(lo - hi));
  }

  /** log(e^a − e^b) for a ≥ b. */
  public static double logSub(double a, double b) {
    if (b > a) {
      throw new ArithmeticException(
          "logSub would take the log of a negative number: " + a + " < " + b);
    }
    if (b == Double.NEGATIVE_INFINITY) {
      return a;
    }
    if (a == b) {
      return Double.NEGATIVE_INFINITY;
    }
    // log(e^a - e^b) = a + log(1 - e^(b-a)); expm1 keeps precision when b is close to a.
    return a + StrictMath.log(-StrictMath.expm1(b - a));
  }

  /**
   * log(erfc(x)), finite for every finite x. For large x, erfc underflows in double; there the
   * regularized upper incomplete gamma Q(1/2, x²) is evaluated through its log-friendly form
   * erfc(x) = e^(−x²) / (x √π) · S(x), with S from the continued fraction.
   */
  public static double logErfc(double x) {
    if (x < 5) {
      return StrictMath.log(Erf.erfc(x));
    }
    // erfc(x) = Γ(1/2, x²)/√π = Q(1/2, x²). Write Q = e^{-x²} x · C(x)/Γ(1/2) and take C from
    // the ratio Q / (e^{-x²} x / √π), computed where Q does not underflow via the Lentz
    // continued fraction for Γ(1/2, z) = e^{-z} z^{1/2} / (z + 1/2 − ... ).
    double z = x * x;
    return -z
        + 0.5 * StrictMath.log(z)
        - LOG_SQRT_PI
        + StrictMath.log(upperGammaHalfContinuedFraction(z));
  }

  /**
   * The continued fraction K(z) with Γ(1/2, z) = e^{−z} z^{1/2} K(z), by modified Lentz (Numerical
   * Recipes §6.2): K = 1/(z + 1/2 − 1·(1/2)/(z + 5/2 − 2·(3/2)/(z + 9/2 − …))).
   */
  private static double upperGammaHalfContinuedFraction(double z) {
    final double a = 0.5;
    final double tiny = 1e-300;
    double b = z + 1 - a;
    double c = 1 / tiny;
    double d = 1 / b;
    double h = d;
    for (int i = 1; i < 10_000; i++) {
      double an = -i * (i - a);
      b += 2;
      d = an * d + b;
      if (Math.abs(d) < tiny) {
        d = tiny;
      }
      c = b + an / c;
      if (Math.abs(c) < tiny) {
        c = tiny;
      }
      d = 1 / d;
      double delta = d * c;
      h *= delta;
      if (Math.abs(delta - 1) < 1e-16) {
        return h;
      }
    }
    throw new ArithmeticException("continued fraction for erfc did not converge at z = " + z);
  }

  /** log Φ(x) for the standard normal CDF Φ, finite for every finite x. */
  public static double logNormalCdf(double x) {
    // Φ(x) = erfc(−x/√2)/2.
    return StrictMath.log(0.5) + logErfc(-x / Math.sqrt(2));
  }

  /** Φ(x), the standard normal CDF, accurate in relative terms far into the lower tail. */
  public static double normalCdf(double x) {
    return StrictMath.exp(logNormalCdf(x));
  }

  /** log Γ(x) for x &gt; 0. */
  public static double logGamma(double x) {
    return Gamma.logGamma(x);
  }
}
