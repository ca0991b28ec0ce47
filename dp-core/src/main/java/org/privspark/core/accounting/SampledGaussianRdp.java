package org.privspark.core.accounting;

import org.privspark.core.Check;

/**
 * The RDP of one step of the Poisson-subsampled Gaussian mechanism (Mironov, Talwar &amp; Zhang
 * 2019, "Rényi Differential Privacy of the Sampled Gaussian Mechanism", arXiv:1908.10530): ε(α) =
 * f(α)/(α − 1) with f(α) = log A_α, A_α = E_{z∼μ₀}[((1−q) + q·μ₁(z)/μ₀(z))^α], μ₀ = N(0, σ²), μ₁ =
 * N(1, σ²). Every value returned is an upper bound on the exact ε(α) (the cost is rounded up, never
 * down), and the smallest of several proven upper bounds:
 *
 * <ul>
 *   <li><b>Integer α ≤ 2^20</b>: MTZ's binomial expansion, a finite sum of positive terms ({@link
 *       SampledGaussianSeries#integer}), with every rounding bounded.
 *   <li><b>Fractional α ≤ 2^20: the interpolation bound.</b> f is convex on [0, ∞) (it is the
 *       cumulant generating function of log X, X = 1 − q + q·μ₁/μ₀ under μ₀; by Hölder, E[X^{(1−t)a
 *       + tb}] ≤ E[X^a]^{1−t} E[X^b]^t). A convex function lies below its chords, so for n = ⌊α⌋, t
 *       = α − n: f(α) ≤ (1 − t)·f(n) + t·f(n + 1), with f(0) = f(1) = 0 and the integer values
 *       bounded from above as above. This needs nothing but the integer sums.
 *   <li><b>Fractional α ≤ 2^14: MTZ's fractional series</b> ({@link
 *       SampledGaussianSeries#fractionalUpperLog}), tighter than the chord at small orders. It is
 *       used only if it lands in the interval that convexity proves must hold the exact value: f(α)
 *       ≥ (1 + t)·f(n) − t·f(n − 1) and f(α) ≥ (2 − t)·f(n + 1) − (1 − t)·f(n + 2) (a convex
 *       function lies above the extensions of its chords), from lower and upper bounds of the
 *       integer sums. A series value below that interval would be a failure of its error analysis
 *       (as its c₀ term once failed at α = 1000.5, q = 0.03, σ = 100), and the chord is used.
 *   <li><b>Every α: the mixture bound.</b> x ↦ x^α is convex, so pointwise ((1−q)μ₀ + qμ₁)^α ≤
 *       (1−q)μ₀^α + qμ₁^α; dividing by μ₀^{α−1} and integrating, A_α ≤ 1 − q + q·e^{α(α−1)/(2σ²)}.
 *       It is the only bound used above 2^20, where the sums would take too long, and there it is
 *       within α·log(1/q) of f(α), as A_α ≥ E_{μ₀}[(q·μ₁/μ₀)^α] = q^α e^{α(α−1)/(2σ²)}.
 * </ul>
 *
 * <p>So a fractional value is never below the convexity interval around it and never above the
 * chord: it is consistent with its integer neighbours (ε is non-decreasing in α), and no accepted
 * order is refused. Rounding: each bound on f is formed rounding up (or, for lower bounds, down)
 * with {@link Directed}, and ε = f/(α − 1) is rounded up; α − 1 and the weights t, 1 − t, 1 + t, 2
 * − t are exact doubles below 2^52.
 */
public final class SampledGaussianRdp {
  /** Orders above this use the mixture bound alone. */
  static final double EXACT_ORDER_LIMIT = 0x1p20;

  /** Fractional orders above this use the chord (and mixture) bounds, not the series. */
  static final double SERIES_ORDER_LIMIT = 0x1p14;

  private SampledGaussianRdp() {}

  /** ε(α) of one step, rounded up; q in [0, 1], σ &gt; 0, α &gt; 1 finite. */
  public static double rdp(double q, double sigma, double alpha) {
    if (!(q >= 0 && q <= 1)) {
      throw new IllegalArgumentException("sampleRate must be in [0, 1]; got " + q);
    }
    Check.positiveFinite("noiseMultiplier", sigma);
    if (!(alpha > 1) || !Double.isFinite(alpha)) {
      throw new IllegalArgumentException("order must be finite and > 1; got " + alpha);
    }
    if (q == 0) {
      return 0;
    }
    if (q == 1) {
      return GaussianEvent.rdpRoundedUp(alpha, sigma, 1);
    }
    double mixture = mixtureBound(q, sigma, alpha);
    if (alpha > EXACT_ORDER_LIMIT) {
      return mixture;
    }
    long n = (long) alpha;
    if (n == alpha) {
      return Math.min(
          mixture, epsilonAbove(SampledGaussianSeries.integer(q, sigma, n).upperLog(), alpha));
    }
    return Math.min(mixture, fractional(q, sigma, alpha, n));
  }

  /** The best proven bound at a fractional order α in (n, n + 1) below 2^20 (see above). */
  private static double fractional(double q, double sigma, double alpha, long n) {
    LogABounds atN = logA(q, sigma, n);
    LogABounds atN1 = logA(q, sigma, n + 1);
    double chord = chordBound(alpha, n, atN.upper(), atN1.upper());
    if (alpha > SERIES_ORDER_LIMIT) {
      return chord;
    }
    double series = seriesBound(q, sigma, alpha);
    double lowest =
        convexityLowerBound(alpha, n, logA(q, sigma, n - 1), atN, atN1, logA(q, sigma, n + 2));
    return series >= lowest ? Math.min(series, chord) : chord;
  }

  /** ε from the fractional series, rounded up. */
  static double seriesBound(double q, double sigma, double alpha) {
    return epsilonAbove(SampledGaussianSeries.fractionalUpperLog(q, sigma, alpha), alpha);
  }

  /**
   * ε from the chord: ((n + 1 − α)·f(n) + (α − n)·f(n + 1))/(α − 1), rounded up, from upper bounds
   * of f(n) and f(n + 1).
   */
  static double chordBound(double alpha, long n, double fnAbove, double fn1Above) {
    double f =
        RdpCurve.addRoundingUp(
            Directed.multiplyUp(n + 1 - alpha, fnAbove), Directed.multiplyUp(alpha - n, fn1Above));
    return Directed.divideUp(f, alpha - 1);
  }

  /**
   * The larger of the two chord extensions that bound f(α) from below (see above), as ε, rounded
   * down; 0 if neither is positive.
   */
  static double convexityLowerBound(
      double alpha, long n, LogABounds below, LogABounds atN, LogABounds atN1, LogABounds above) {
    double t = alpha - n;
    double fromLeft =
        Directed.subtractDown(
            Directed.multiplyDown(1 + t, atN.lower()), Directed.multiplyUp(t, below.upper()));
    double fromRight =
        Directed.subtractDown(
            Directed.multiplyDown(n + 2 - alpha, atN1.lower()),
            Directed.multiplyUp(n + 1 - alpha, above.upper()));
    double f = Math.max(fromLeft, fromRight);
    return f > 0 ? Directed.divideDown(f, alpha - 1) : 0;
  }

  /**
   * Lower and upper bounds on f(m) = log A_m for an integer m ≥ 0: exactly 0 for m ≤ 1, otherwise
   * from the positive series.
   */
  static LogABounds logA(double q, double sigma, long m) {
    if (m <= 1) {
      return new LogABounds(0, 0);
    }
    SignedLogSum sum = SampledGaussianSeries.integer(q, sigma, m);
    double lower = Directed.multiplyDown(log1pExp(sum.lowerLog()), 1 - 0x1p-49);
    return new LogABounds(Math.max(lower, 0), logAAbove(sum.upperLog()));
  }

  /** Bounds on f(m) = log A_m at one integer order. */
  record LogABounds(double lower, double upper) {}

  /**
   * f = log(1 + e^u) rounded up, from an upper bound u on log(A − 1): log1p(e^u) is within 2^-51
   * relative (an exp, a log1p and a sum); far below, where it would underflow, log1p(v) ≤ v gives f
   * ≤ e^u, and a positive bound is kept positive (at least the smallest double).
   */
  static double logAAbove(double u) {
    if (u == Double.NEGATIVE_INFINITY) {
      return 0;
    }
    if (u < -30) {
      return Math.max(Directed.above(StrictMath.exp(u)), Double.MIN_VALUE);
    }
    return Directed.multiplyUp(log1pExp(u), 1 + 0x1p-49);
  }

  /** ε = f/(α − 1) rounded up, from an upper bound u on log(A − 1). */
  static double epsilonAbove(double u, double alpha) {
    return Directed.divideUp(logAAbove(u), alpha - 1);
  }

  /**
   * The mixture bound log(1 − q + q·e^g)/(α − 1), g = α(α − 1)/(2σ²), rounded up: log1p(q·expm1(g))
   * while e^g is finite; past that, log(q·e^g) + log1p((1 − q)/(q·e^g)), and once log(q·e^g) =: h
   * exceeds 700 the second part is below e^-700, far below an ulp of h.
   */
  static double mixtureBound(double q, double sigma, double alpha) {
    double g =
        Directed.divideUp(
            Directed.multiplyUp(alpha, alpha - 1), 2 * Directed.multiplyDown(sigma, sigma));
    double h = RdpCurve.addRoundingUp(g, Directed.above(StrictMath.log(q)));
    double f;
    if (g <= 700) {
      f =
          Directed.above(
              StrictMath.log1p(Directed.multiplyUp(q, Directed.above(StrictMath.expm1(g)))));
    } else if (h <= 700) {
      f = Directed.above(StrictMath.log1p(Directed.above(StrictMath.exp(h))));
    } else {
      f = Math.nextUp(h);
    }
    return Directed.divideUp(f, alpha - 1);
  }

  /** log(1 + e^x). */
  static double log1pExp(double x) {
    return x > 0 ? x + StrictMath.log1p(StrictMath.exp(-x)) : StrictMath.log1p(StrictMath.exp(x));
  }
}
