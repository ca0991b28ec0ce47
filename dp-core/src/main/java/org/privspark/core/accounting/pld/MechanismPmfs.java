package org.privspark.core.accounting.pld;

import org.privspark.core.internal.LogMath;

/**
 * The privacy loss distribution of each supported mechanism, as the distribution of L(o) = log
 * P(o)/Q(o) under o ~ P for its dominating pair (P, Q), discretised by {@link Discretizer}. The
 * derivations are in docs/ACCOUNTING.md, "PLD accounting".
 */
final class MechanismPmfs {
  private MechanismPmfs() {}

  /** k with Φ(−k) ≤ τ/2: the number of standard deviations kept on each side. */
  static double tailSigmas(double tail) {
    double target = StrictMath.log(tail / 2);
    double k = 1;
    while (LogMath.logNormalCdf(-k) > target) {
      k += 0.125;
    }
    return k;
  }

  /** Φ(x), with Φ(±∞) handled. */
  static double phi(double x) {
    if (x == Double.NEGATIVE_INFINITY) {
      return 0;
    }
    if (x == Double.POSITIVE_INFINITY) {
      return 1;
    }
    return LogMath.normalCdf(x);
  }

  /**
   * Gaussian mechanism, noise σ, sensitivity Δ: with P = N(0, σ²), Q = N(Δ, σ²), L ~ N(μ, 2μ), μ =
   * Δ²/(2σ²) (Balle &amp; Wang 2018, proof of Thm. 8; Koskela et al. 2020, §6); symmetric.
   */
  static LossPmf gaussian(double sigma, double sensitivity, PldSettings settings) {
    double ratio = sensitivity / sigma;
    double mu = ratio * ratio / 2;
    double sd = ratio;
    double k = tailSigmas(settings.tailMassTruncation());
    // Under Q the loss is N(−μ, 2μ).
    Discretizer.LossCdfs cdfs =
        new Discretizer.LossCdfs() {
          @Override
          public double cdfP(double l) {
            return phi((l - mu) / sd);
          }

          @Override
          public double sfP(double l) {
            return phi((mu - l) / sd);
          }

          @Override
          public double cdfQ(double l) {
            return phi((l + mu) / sd);
          }

          @Override
          public double sfQ(double l) {
            return phi(-(l + mu) / sd);
          }
        };
    return Discretizer.fromCdf(settings, cdfs, mu - k * sd, mu + k * sd);
  }

  /**
   * Laplace mechanism, scale b, sensitivity Δ, ε₀ = Δ/b: with P = Lap(0, b), Q = Lap(Δ, b), L = ε₀
   * with probability ½, −ε₀ with probability e^{−ε₀}/2, and in between F(l) = e^{−(ε₀−l)/2}/2
   * (Koskela et al. 2020, §6.1; δ(ε) = 1 − e^{(ε−ε₀)/2}); symmetric. ε₀ is rounded up, which gives
   * the Laplace PLD of a larger ε₀ (that of a smaller scale, which dominates).
   */
  static LossPmf laplace(double scale, double sensitivity, PldSettings settings) {
    double quotient = sensitivity / scale;
    // Below Δ/b: round up.
    double e0 = Math.fma(quotient, scale, -sensitivity) < 0 ? Math.nextUp(quotient) : quotient;
    // Under Q (dQ = e^{−l} dP): ½ at −ε₀, density e^{−ε₀/2−l/2}/4 between, e^{−ε₀}/2 at ε₀.
    Discretizer.LossCdfs cdfs =
        new Discretizer.LossCdfs() {
          @Override
          public double cdfP(double l) {
            return l < -e0 ? 0 : l >= e0 ? 1 : StrictMath.exp(-(e0 - l) / 2) / 2;
          }

          @Override
          public double sfP(double l) {
            return l < -e0 ? 1 : l >= e0 ? 0 : 1 - StrictMath.exp(-(e0 - l) / 2) / 2;
          }

          @Override
          public double cdfQ(double l) {
            return l < -e0 ? 0 : l >= e0 ? 1 : 1 - StrictMath.exp(-(e0 + l) / 2) / 2;
          }

          @Override
          public double sfQ(double l) {
            return l < -e0 ? 1 : l >= e0 ? 0 : StrictMath.exp(-(e0 + l) / 2) / 2;
          }
        };
    return Discretizer.fromCdf(settings, cdfs, -e0, e0);
  }

  /**
   * Randomized response at ε, the dominating pair of every ε-DP mechanism (Kairouz, Oh &amp;
   * Viswanath 2015, Thm. 4.1; Zhu, Dong &amp; Wang 2022, §3): L = ε w.p. 1/(1+e^{−ε}), −ε w.p.
   * 1/(1+e^ε). With {@code delta} &gt; 0, the (ε, δ) pair: δ at +∞ and the rest scaled by 1 − δ.
   */
  static LossPmf pureOrApproximate(double epsilon, double delta, PldSettings settings) {
    double up = (1 - delta) / (1 + StrictMath.exp(-epsilon));
    double down = (1 - delta) / (1 + StrictMath.exp(epsilon));
    // Rounding the probabilities up (they may then sum past 1) only raises δ.
    return Discretizer.fromAtoms(
        settings,
        new double[] {epsilon, -epsilon},
        new double[] {Math.nextUp(up), Math.nextUp(down)},
        true,
        delta);
  }

  /** (0, δ): loss 0 with probability 1 − δ, +∞ with probability δ; symmetric. */
  static LossPmf deltaOnly(double delta, PldSettings settings) {
    return Discretizer.fromAtoms(
        settings, new double[] {0}, new double[] {Math.nextUp(1 - delta)}, true, delta);
  }

  /**
   * Discrete Laplace, P(k) ∝ e^{−|k|/t}, of an integer query: shift d = ⌈Δ⌉. L(k) = (|k − d| −
   * |k|)/t: d/t for k ≤ 0 (mass 1/(1+r)), −d/t for k ≥ d (mass r^d/(1+r)), (d − 2k)/t between (mass
   * r^k (1−r)/(1+r)), r = e^{−1/t} (Canonne, Kamath &amp; Steinke 2020, §2.2); symmetric.
   */
  static LossPmf discreteLaplace(double scale, double sensitivity, PldSettings settings) {
    long d = (long) Math.ceil(sensitivity);
    if (d > (1L << 24)) {
      throw new IllegalArgumentException(
          "l1Sensitivity must be at most 2^24 for a discrete Laplace PLD; got " + sensitivity);
    }
    double r = StrictMath.exp(-1 / scale);
    int n = (int) d + 1;
    double[] losses = new double[n];
    double[] probs = new double[n];
    double norm = (1 - r) / (1 + r);
    for (int k = 0; k <= d; k++) {
      losses[k] = (d - 2.0 * k) / scale;
      if (k == 0) {
        probs[k] = 1 / (1 + r);
      } else if (k == d) {
        probs[k] = StrictMath.pow(r, d) / (1 + r);
      } else {
        probs[k] = norm * StrictMath.pow(r, k);
      }
      probs[k] = Math.nextUp(Math.nextUp(probs[k]));
    }
    return Discretizer.fromAtoms(settings, losses, probs, false, 0);
  }

  /**
   * Discrete Gaussian N_Z(0, σ²) of an integer query: shift d = ⌈Δ⌉, L(k) = (d² − 2kd)/(2σ²) at
   * P(k) = e^{−k²/(2σ²)}/Z (Canonne, Kamath &amp; Steinke 2020, Prop. 5 / §2.1); symmetric. Only
   * |k| ≤ K is kept; the mass beyond, bounded by 2σ√(π/2)e^{−K²/(2σ²)}/Z (a Gaussian integral
   * bounds the sum), goes to +∞. Z is the partial sum over |k| ≤ K, below the true Z, so every kept
   * probability is rounded up.
   */
  static LossPmf discreteGaussian(double sigma, double sensitivity, PldSettings settings) {
    long d = (long) Math.ceil(sensitivity);
    double tail = settings.tailMassTruncation() / 2;
    double s2 = sigma * sigma;
    double logFactor = StrictMath.log(2 * sigma * Math.sqrt(Math.PI / 2) / tail);
    long kMax = (long) Math.ceil(sigma * Math.sqrt(2 * Math.max(logFactor, 1))) + 1;
    if (kMax > (1L << 25)) {
      throw new IllegalArgumentException(
          "sigma must be at most about 2^21 for a discrete Gaussian PLD; got " + sigma);
    }
    int n = (int) (2 * kMax + 1);
    double[] losses = new double[n];
    double[] weights = new double[n];
    double z = 0;
    for (int j = 0; j < n; j++) {
      long k = j - kMax;
      weights[j] = StrictMath.exp(-(double) k * k / (2 * s2));
      losses[j] = ((double) d * d - 2.0 * k * d) / (2 * s2);
    }
    // Sum the smallest terms first (from both ends to the middle) for accuracy.
    for (int j = 0; j < kMax; j++) {
      z += weights[j] + weights[n - 1 - j];
    }
    z += weights[(int) kMax];
    z = z * (1 - 8 * U * n);
    for (int j = 0; j < n; j++) {
      weights[j] = Math.nextUp(Math.nextUp(weights[j] / z));
    }
    double outside =
        Math.nextUp(
            2
                * sigma
                * Math.sqrt(Math.PI / 2)
                * StrictMath.exp(-(double) kMax * kMax / (2 * s2))
                * (1 + 1e-9)
                / z);
    return Discretizer.fromAtoms(settings, losses, weights, false, outside);
  }

  private static final double U = 0x1p-53;

  /**
   * One step of the Poisson-subsampled Gaussian (noise multiplier σ, sensitivity 1, rate q), in the
   * remove direction: P = (1−q)N(0, σ²) + qN(1, σ²), Q = N(0, σ²), L = g(x) = log(1 − q +
   * q·e^{(2x−1)/(2σ²)}) with x ~ P (Koskela, Jälkö &amp; Honkela 2020, §5; Zhu, Dong &amp; Wang
   * 2022, Thm. 11 for the pair). g is increasing, so F(l) = P(x ≤ g⁻¹(l)).
   */
  static LossPmf sampledGaussianRemove(double q, double sigma, PldSettings settings) {
    double k = tailSigmas(settings.tailMassTruncation());
    double s2 = sigma * sigma;
    Discretizer.LossCdfs cdfs =
        new Discretizer.LossCdfs() {
          @Override
          public double cdfP(double l) {
            double y = inverseG(l, q, s2);
            return (1 - q) * phi(y / sigma) + q * phi((y - 1) / sigma);
          }

          @Override
          public double sfP(double l) {
            double y = inverseG(l, q, s2);
            return (1 - q) * phi(-y / sigma) + q * phi((1 - y) / sigma);
          }

          @Override
          public double cdfQ(double l) {
            return phi(inverseG(l, q, s2) / sigma);
          }

          @Override
          public double sfQ(double l) {
            return phi(-inverseG(l, q, s2) / sigma);
          }
        };
    return Discretizer.fromCdf(settings, cdfs, g(-k * sigma, q, s2), g(1 + k * sigma, q, s2));
  }

  /**
   * The add direction: P = N(0, σ²), Q = (1−q)N(0, σ²) + qN(1, σ²), L = −g(x) with x ~ N(0, σ²): L
   * ≤ l iff x ≥ g⁻¹(−l), and L &lt; −log(1 − q) always.
   */
  static LossPmf sampledGaussianAdd(double q, double sigma, PldSettings settings) {
    double k = tailSigmas(settings.tailMassTruncation());
    double s2 = sigma * sigma;
    double top = -StrictMath.log1p(-q);
    Discretizer.LossCdfs cdfs =
        new Discretizer.LossCdfs() {
          @Override
          public double cdfP(double l) {
            return l >= top ? 1 : phi(-inverseG(-l, q, s2) / sigma);
          }

          @Override
          public double sfP(double l) {
            return l >= top ? 0 : phi(inverseG(-l, q, s2) / sigma);
          }

          @Override
          public double cdfQ(double l) {
            if (l >= top) {
              return 1;
            }
            double y = inverseG(-l, q, s2);
            return (1 - q) * phi(-y / sigma) + q * phi((1 - y) / sigma);
          }

          @Override
          public double sfQ(double l) {
            if (l >= top) {
              return 0;
            }
            double y = inverseG(-l, q, s2);
            return (1 - q) * phi(y / sigma) + q * phi((y - 1) / sigma);
          }
        };
    return Discretizer.fromCdf(settings, cdfs, -g(k * sigma, q, s2), Math.nextUp(top));
  }

  /** g(x) = log(1 − q + q e^a), a = (2x − 1)/(2σ²), without overflow. */
  static double g(double x, double q, double s2) {
    double a = (2 * x - 1) / (2 * s2);
    if (a > 1) {
      return a + StrictMath.log(q) + StrictMath.log1p((1 - q) / q * StrictMath.exp(-a));
    }
    return StrictMath.log1p(q * StrictMath.expm1(a));
  }

  /** g⁻¹(l) = σ² log((e^l − 1 + q)/q) + ½, −∞ at or below log(1 − q). */
  static double inverseG(double l, double q, double s2) {
    double log;
    if (l > 1) {
      log = l + StrictMath.log1p((q - 1) * StrictMath.exp(-l)) - StrictMath.log(q);
    } else {
      double ratio = StrictMath.expm1(l) / q;
      if (!(ratio > -1)) {
        return Double.NEGATIVE_INFINITY;
      }
      log = StrictMath.log1p(ratio);
    }
    return s2 * log + 0.5;
  }
}
