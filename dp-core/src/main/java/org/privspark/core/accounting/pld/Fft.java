package org.privspark.core.accounting.pld;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Linear convolution of two non-negative vectors by a radix-2 FFT, with a proven bound on the
 * computed result's error in the ℓ1 norm.
 *
 * <p><b>Why not commons-math's FastFourierTransformer.</b> It computes the twiddle factor w^r by r
 * successive complex multiplications, so their error grows with the transform length (up to about
 * N·u at N points), and the bound below, which is linear in that error, would be too loose to use
 * for N = 2^18. Here every twiddle factor is cos/sin of its own angle (StrictMath, fdlibm, under
 * one ulp), so their error μ is below 8u at every length (u = 2^-53; the angle 2π·k/N is within
 * about πu of exact, and each of cos and sin adds under an ulp). Pure Java and StrictMath: the
 * result is bit-identical on every JVM.
 *
 * <p><b>Error bound.</b> Higham, "Accuracy and Stability of Numerical Algorithms" (2nd ed., 2002),
 * Thm. 24.2: the computed radix-2 FFT ŷ of x of length N = 2^t satisfies ‖ŷ − y‖₂ ≤ κ‖y‖₂ with κ =
 * tη/(1 − tη), η = μ + γ₄(√2 + μ), γ₄ = 4u/(1 − 4u). With y = Fa, ‖y‖₂ = √N‖a‖₂ and ‖y‖∞ ≤ ‖a‖₁; a
 * complex product is within √2γ₂ relative (Higham Lemma 3.5); the inverse transform has the same κ
 * and its 1/N is exact (a power of two). Writing s = √N, A₁ = ‖a‖₁, A₂ = ‖a‖₂ (B₁, B₂ for b):
 *
 * <pre>
 *   e_a = κ s A₂,  e_b = κ s B₂                     (forward transforms, ℓ2)
 *   d   = e_a (B₁ + e_b) + A₁ e_b + √2γ₂ (A₁ + e_a)(s B₂ + e_b)   (‖ẑ − z‖₂, z = Fa ⊙ Fb)
 *   ‖ĉ − c‖₂ ≤ (κ ‖ẑ‖₂ + d)/s,  ‖ẑ‖₂ ≤ A₁ s B₂ + d
 *   ‖ĉ − c‖₁ ≤ √M ‖ĉ − c‖₂ over the M = |a| + |b| − 1 entries kept
 * </pre>
 *
 * The bound returned is twice that, to cover the rounding of the norms themselves and of the
 * bound's own arithmetic. Negative entries of ĉ are set to 0: the exact c is non-negative, so
 * clamping never moves an entry further from it.
 */
final class Fft {
  private static final double U = 0x1p-53;
  private static final double MU = 8 * U;
  private static final double GAMMA2 = 2 * U / (1 - 2 * U);
  private static final double GAMMA4 = 4 * U / (1 - 4 * U);
  private static final double ETA = MU + GAMMA4 * (Math.sqrt(2) + MU);

  /** Largest transform: 2^27 points (two 1 GiB arrays); a larger request is refused. */
  static final int MAX_LOG_SIZE = 27;

  /** Tables up to 2^20 points (16 MiB in all) are kept; larger ones are recomputed per use. */
  private static final int CACHED_LOG_SIZE = 20;

  private static final ConcurrentHashMap<Integer, double[][]> TWIDDLES = new ConcurrentHashMap<>();

  private Fft() {}

  /** A convolution and a bound on its ℓ1 distance from the exact convolution of the inputs. */
  record Result(double[] values, double l1Error) {}

  /**
   * The linear convolution of {@code a} and {@code b} (non-negative entries), negatives clamped.
   */
  static Result convolve(double[] a, double[] b) {
    int m = a.length + b.length - 1;
    int logN = 0;
    while ((1 << logN) < m) {
      logN++;
      if (logN > MAX_LOG_SIZE) {
        throw new IllegalArgumentException(
            "valueDiscretizationInterval is too fine for this composition: it needs more than 2^"
                + MAX_LOG_SIZE
                + " grid points");
      }
    }
    int n = 1 << logN;
    boolean square = a == b;
    double[] ar = new double[n];
    double[] ai = new double[n];
    System.arraycopy(a, 0, ar, 0, a.length);
    transform(ar, ai, logN, false);
    double[] br = ar;
    double[] bi = ai;
    if (!square) {
      br = new double[n];
      bi = new double[n];
      System.arraycopy(b, 0, br, 0, b.length);
      transform(br, bi, logN, false);
    }
    for (int k = 0; k < n; k++) {
      double re = ar[k] * br[k] - ai[k] * bi[k];
      double im = ar[k] * bi[k] + ai[k] * br[k];
      ar[k] = re;
      ai[k] = im;
    }
    transform(ar, ai, logN, true);
    double[] c = new double[m];
    double scale = 1.0 / n;
    for (int k = 0; k < m; k++) {
      double v = ar[k] * scale;
      c[k] = v > 0 ? v : 0;
    }
    return new Result(c, errorBound(a, b, logN, m));
  }

  /** The ℓ1 bound of the class comment, for transform length 2^logN and m kept entries. */
  static double errorBound(double[] a, double[] b, int logN, int m) {
    double t = logN;
    double kappa = t * ETA / (1 - t * ETA);
    double s = Math.sqrt((double) (1L << logN));
    double a1 = l1(a);
    double a2 = Math.sqrt(sumOfSquares(a));
    double b1 = l1(b);
    double b2 = Math.sqrt(sumOfSquares(b));
    double ea = kappa * s * a2;
    double eb = kappa * s * b2;
    double d = ea * (b1 + eb) + a1 * eb + Math.sqrt(2) * GAMMA2 * (a1 + ea) * (s * b2 + eb);
    double zHat = a1 * s * b2 + d;
    double l2 = (kappa * zHat + d) / s;
    return 2 * Math.sqrt((double) m) * l2;
  }

  static double l1(double[] x) {
    double sum = 0;
    for (double v : x) {
      sum += Math.abs(v);
    }
    return sum;
  }

  private static double sumOfSquares(double[] x) {
    double sum = 0;
    for (double v : x) {
      sum += v * v;
    }
    return sum;
  }

  /** In-place iterative radix-2 FFT (decimation in time); inverse uses conjugate twiddles. */
  static void transform(double[] re, double[] im, int logN, boolean inverse) {
    int n = 1 << logN;
    for (int i = 1, j = 0; i < n; i++) {
      int bit = n >> 1;
      for (; (j & bit) != 0; bit >>= 1) {
        j ^= bit;
      }
      j ^= bit;
      if (i < j) {
        double tr = re[i];
        re[i] = re[j];
        re[j] = tr;
        double ti = im[i];
        im[i] = im[j];
        im[j] = ti;
      }
    }
    double[][] table = twiddles(logN);
    double[] cos = table[0];
    double[] sin = table[1];
    double sign = inverse ? 1 : -1;
    for (int len = 2; len <= n; len <<= 1) {
      int half = len >> 1;
      int stride = n / len;
      for (int start = 0; start < n; start += len) {
        for (int k = 0, w = 0; k < half; k++, w += stride) {
          double wr = cos[w];
          double wi = sign * sin[w];
          int p = start + k;
          int q = p + half;
          double xr = re[q] * wr - im[q] * wi;
          double xi = re[q] * wi + im[q] * wr;
          re[q] = re[p] - xr;
          im[q] = im[p] - xi;
          re[p] += xr;
          im[p] += xi;
        }
      }
    }
  }

  /** cos and sin of 2πk/N for k &lt; N/2, each from its own angle (see the class comment). */
  private static double[][] twiddles(int logN) {
    if (logN > CACHED_LOG_SIZE) {
      return computeTwiddles(logN);
    }
    return TWIDDLES.computeIfAbsent(logN, Fft::computeTwiddles);
  }

  private static double[][] computeTwiddles(int log) {
    int n = 1 << log;
    int half = Math.max(1, n >> 1);
    double[] cos = new double[half];
    double[] sin = new double[half];
    for (int k = 0; k < half; k++) {
      double angle = 2 * Math.PI * k / n;
      cos[k] = StrictMath.cos(angle);
      sin[k] = StrictMath.sin(angle);
    }
    return new double[][] {cos, sin};
  }
}
