package org.privspark.core.accounting.pld;

import java.util.function.DoubleUnaryOperator;

/**
 * Builds a pessimistic {@link LossPmf} from a privacy loss distribution given by its CDF, or by its
 * atoms.
 *
 * <p><b>From a CDF</b> (continuous mechanisms). Bin i holds the mass of losses in ((i−1)h, ih] and
 * is placed at ih, the top of the bin: losses are rounded UP (Meiser &amp; Mohammadi 2018, §5;
 * dp_accounting's pessimistic_estimate). Everything at or below the lowest grid point is placed on
 * it; everything above the highest goes to +∞. The masses are differences of a sequence G_i that
 * never exceeds the exact CDF F(ih): G_i is the computed F(ih) lowered by a relative {@link #REL}
 * where F ≤ ½, and 1 − (the computed survival function, raised by {@link #REL}) above, made
 * monotone by a running maximum (which keeps G ≤ F, F being monotone). A distribution whose CDF is
 * below F at every grid point is stochastically larger than the rounded-up one, so its δ(ε) is at
 * least as large (δ's integrand is non-decreasing in the loss), and that stays true under
 * composition. Only the roundings of the differences themselves (each within u of the mass) remain
 * as an ℓ1 error.
 *
 * <p>{@link #REL} = 2^-30 is far above the error of the CDFs used here: normal CDFs from
 * commons-math's erfc in log space (about 1e-15 relative; LogErfcAccuracyTest) at arguments whose
 * own rounding error, weighted by the tail's log-derivative, stays below 1e-12 relative for the
 * arguments reached (|x| &lt; 40).
 *
 * <p><b>From atoms</b> (discrete mechanisms). Each atom's loss is computed, raised by two ulps to
 * cover its rounding (unless it is exact), and placed on the first grid point at or above it; the
 * probabilities' own rounding (a few u each) is an ℓ1 error of at most 64u.
 */
final class Discretizer {
  static final double REL = 0x1p-30;
  private static final double U = 0x1p-53;

  /** Grid points per distribution above which the settings are refused. */
  static final long MAX_POINTS = 1L << 26;

  private Discretizer() {}

  /**
   * @param cdf F(l) = P[L ≤ l], accurate where it is ≤ ½
   * @param sf S(l) = P[L &gt; l], accurate where it is ≤ ½
   * @param lower a loss with F(lower) ≤ τ/2 (or any lower loss: the mass below goes up to it)
   * @param upper a loss with S(upper) ≤ τ/2 (the mass above goes to +∞)
   */
  static LossPmf fromCdf(
      PldSettings settings,
      DoubleUnaryOperator cdf,
      DoubleUnaryOperator sf,
      double lower,
      double upper) {
    double h = settings.valueDiscretizationInterval();
    long lo = (long) Math.ceil(lower / h);
    long hi = (long) Math.ceil(upper / h);
    while ((double) hi * h < upper) {
      hi++;
    }
    if (hi < lo) {
      hi = lo;
    }
    checkSize(hi - lo + 1);
    int n = (int) (hi - lo + 1);
    double[] masses = new double[n];
    boolean upperBranch = false;
    double previousG = 0; // lower branch: G_{i-1}
    double previousS = 1; // upper branch: 1 − G_{i-1}
    for (int i = 0; i < n; i++) {
      double l = (double) (lo + i) * h;
      if (!upperBranch) {
        double f = cdf.applyAsDouble(l);
        if (f <= 0.5) {
          double g = Math.max(previousG, f * (1 - REL));
          masses[i] = g - previousG;
          previousG = g;
          continue;
        }
        upperBranch = true;
        previousS = 1 - previousG;
      }
      double s = Math.min(previousS, Math.min(1, sf.applyAsDouble(l) * (1 + REL)));
      masses[i] = previousS - s;
      previousS = s;
    }
    double infinity = upperBranch ? previousS : 1 - previousG;
    return new LossPmf(h, settings.tailMassTruncation(), lo, masses, infinity, 8 * U)
        .truncate(lo, masses, infinity, 8 * U);
  }

  /**
   * @param losses the atoms' losses (finite)
   * @param probabilities their probabilities (their total plus {@code infinity} may exceed 1 by
   *     rounding up: a larger mass only raises δ)
   * @param exact whether the losses are exact doubles (no ulps added)
   * @param infinity the mass at +∞
   */
  static LossPmf fromAtoms(
      PldSettings settings,
      double[] losses,
      double[] probabilities,
      boolean exact,
      double infinity) {
    double h = settings.valueDiscretizationInterval();
    long lo = Long.MAX_VALUE;
    long hi = Long.MIN_VALUE;
    long[] index = new long[losses.length];
    for (int k = 0; k < losses.length; k++) {
      double l = exact ? losses[k] : Math.nextUp(Math.nextUp(losses[k]));
      long i = (long) Math.ceil(l / h);
      while ((double) i * h < l) {
        i++;
      }
      index[k] = i;
      lo = Math.min(lo, i);
      hi = Math.max(hi, i);
    }
    checkSize(hi - lo + 1);
    double[] masses = new double[(int) (hi - lo + 1)];
    for (int k = 0; k < losses.length; k++) {
      masses[(int) (index[k] - lo)] += probabilities[k];
    }
    double err = 64 * U * (1 + losses.length * 2 * U);
    return new LossPmf(h, settings.tailMassTruncation(), lo, masses, infinity, err)
        .truncate(lo, masses, infinity, err);
  }

  private static void checkSize(long points) {
    if (points > MAX_POINTS) {
      throw new IllegalArgumentException(
          "valueDiscretizationInterval is too fine for this event: it needs "
              + points
              + " grid points, more than 2^26");
    }
  }
}
