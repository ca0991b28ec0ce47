package org.privspark.core.accounting.pld;

/**
 * Builds a pessimistic {@link LossPmf} from a mechanism's privacy loss distribution, given by the
 * CDFs of the loss under P and under Q, or by atoms.
 *
 * <p><b>Connect the dots</b> (Doroshenko, Ghazi, Kamath, Kumar &amp; Manurangsi 2022, "Connect the
 * Dots: Tighter Discrete Approximations of Privacy Loss Distributions", Thm. 4.2; dp_accounting's
 * pessimistic estimate). A loss l between two grid points a = jh &lt; b = (j+1)h is not rounded up
 * to b; its P-mass p is split between a and b, the fraction w(l) = (1 − e^{a−l})/(1 − e^{a−b})
 * going to b. That split keeps both the P-mass and the Q-mass (p e^{−l}) of the atom, and replaces
 * its hockey-stick term p(1 − x e^{−l})₊ by the chord through x = e^a and x = e^b, which lies above
 * it (the term is convex in x). So the result is the PLD of a pair that dominates the mechanism's:
 * its δ(ε) is at least the exact one at every ε, and that survives composition (Zhu, Dong &amp;
 * Wang 2022, Thm. 10). Plain rounding up (Meiser &amp; Mohammadi 2018) is pessimistic too but
 * shifts every step's loss up by about h/2: 0.7 in ε after DP-SGD's 14,062 steps at h = 1e-4.
 *
 * <p>For a bin (a, b], the mass going to b is ∫ w dP = (P(bin) − e^a Q(bin)) / (1 − e^{−h}), with
 * Q(bin) = ∫_bin e^{−l} dP.
 *
 * <p><b>Floating point, kept pessimistic.</b> Two kinds of error, handled differently:
 *
 * <ul>
 *   <li>How much mass each bin holds: the bin masses are differences of a sequence G_i that never
 *       exceeds the exact CDF F_P(ih): the computed F_P lowered by a relative {@link #REL} where
 *       F_P ≤ ½, and 1 − (the computed survival function raised by {@link #REL}) above, made
 *       monotone by a running maximum. A CDF below F_P at every grid point is that of a
 *       stochastically larger loss (mass moved up across bin edges), and δ's integrand is
 *       non-decreasing in the loss.
 *   <li>Where in the bin the mass goes: the computed split to b is raised by a bound on its error
 *       (the CDF errors, relative {@link #REL}, magnified by 1/(1 − e^{−h}), plus the mass the
 *       first step moved into the bin) and capped at the bin's mass. Moving mass from a up to b
 *       only raises δ (the chord weight grows with the loss), and it costs at most that mass times
 *       h in δ, so a generous bound is cheap.
 *   <li>Large losses: where e^a overflows (a past about 709) or the split is not a finite number,
 *       the whole bin goes to b (plain rounding up), never a NaN mass.
 * </ul>
 *
 * Only the roundings of the final differences (each within a few u of the mass) remain, as an ℓ1
 * error of 16u carried to δ.
 *
 * <p>{@link #REL} = 2^-40 is far above the error of the CDFs used here: normal CDFs from
 * commons-math's erfc in log space (about 1e-15 relative; LogErfcAccuracyTest) at arguments whose
 * own rounding error, weighted by the tail's log-derivative, stays below 1e-13 relative for the
 * arguments reached (|x| &lt; 40).
 */
final class Discretizer {
  static final double REL = 0x1p-40;
  private static final double U = 0x1p-53;

  /** Grid points per distribution above which the settings are refused. */
  static final long MAX_POINTS = 1L << 26;

  private Discretizer() {}

  /** The loss CDFs of a dominating pair: under P and under Q, each with its survival function. */
  interface LossCdfs {
    /** P[L ≤ l], accurate where it is ≤ ½. */
    double cdfP(double l);

    /** P[L &gt; l], accurate where it is ≤ ½. */
    double sfP(double l);

    /** Q[L ≤ l]. */
    double cdfQ(double l);

    /** Q[L &gt; l]. */
    double sfQ(double l);
  }

  /** One evaluation of a CDF pair at a grid point, in whichever form is accurate there. */
  private record Point(boolean upper, double value) {}

  /** Mass between two points (as a difference of CDFs, or of survival functions). */
  private static double between(Point a, Point b) {
    if (!a.upper() && !b.upper()) {
      return b.value() - a.value();
    }
    if (a.upper() && b.upper()) {
      return a.value() - b.value();
    }
    return (1 - a.value()) - b.value();
  }

  private static double scale(Point a, Point b) {
    return Math.abs(a.value()) + Math.abs(b.value());
  }

  /**
   * @param lower a loss with F_P(lower) ≤ τ/2 (or any lower loss: the mass below goes up to it)
   * @param upper a loss with S_P(upper) ≤ τ/2 (the mass above goes to +∞)
   */
  static LossPmf fromCdf(PldSettings settings, LossCdfs cdfs, double lower, double upper) {
    double h = settings.valueDiscretizationInterval();
    long lo = (long) Math.ceil(lower / h);
    long hi = (long) Math.ceil(upper / h);
    while ((double) hi * h < upper) {
      hi++;
    }
    if (hi <= lo) {
      hi = lo + 1;
    }
    checkSize(hi - lo + 1);
    int n = (int) (hi - lo + 1);
    double[] masses = new double[n];
    boolean upperP = false;
    boolean upperQ = false;
    // Pessimistic CDF G (see the class comment): lower branch G, upper branch 1 − G.
    double previousG = 0;
    double previousS = 1;
    Point prevP = null;
    Point prevQ = null;
    for (int i = 0; i < n; i++) {
      double l = (double) (lo + i) * h;
      double f = upperP ? Double.NaN : cdfs.cdfP(l);
      upperP = !(f <= 0.5);
      Point p = upperP ? new Point(true, cdfs.sfP(l)) : new Point(false, f);
      double fq = upperQ ? Double.NaN : cdfs.cdfQ(l);
      upperQ = !(fq <= 0.5);
      Point qp = upperQ ? new Point(true, cdfs.sfQ(l)) : new Point(false, fq);
      // The bin's pessimistic mass.
      double binMass;
      if (!p.upper()) {
        double g = Math.max(previousG, p.value() * (1 - REL));
        binMass = g - previousG;
        previousG = g;
        previousS = 1 - g;
      } else {
        double s = Math.min(previousS, Math.min(1, p.value() * (1 + REL)));
        binMass = previousS - s;
        previousS = s;
      }
      if (i == 0) {
        masses[0] = binMass; // everything at or below the lowest point
      } else {
        double a = (double) (lo + i - 1) * h;
        double width = -StrictMath.expm1(a - l); // 1 − e^{−h}
        double pBin = between(prevP, p);
        double qBin = between(prevQ, qp);
        double ea = StrictMath.exp(a);
        double toUpper = (pBin - ea * qBin) / width;
        double error =
            (REL * (scale(prevP, p) + ea * scale(prevQ, qp)) + 8 * U * (pBin + ea * qBin)) / width
                + Math.abs(binMass - pBin)
                + REL * scale(prevP, p);
        double raised = toUpper + error;
        // Past a loss of about 709, e^a overflows and the split is ∞·0 or ∞ − ∞: round the whole
        // bin up to b instead (Meiser & Mohammadi 2018), pessimistic and exact in floating point.
        double up =
            Double.isFinite(ea) && Double.isFinite(raised)
                ? Math.min(binMass, Math.max(0, raised))
                : binMass;
        masses[i] += up;
        masses[i - 1] += binMass - up;
      }
      prevP = p;
      prevQ = qp;
    }
    double infinity = upperP ? previousS : 1 - previousG;
    return new LossPmf(h, settings.tailMassTruncation(), lo, masses, infinity, 16 * U)
        .truncate(lo, masses, infinity, 16 * U);
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
    double[] raised = new double[losses.length];
    for (int k = 0; k < losses.length; k++) {
      double l = exact ? losses[k] : Math.nextUp(Math.nextUp(losses[k]));
      raised[k] = l;
      long i = (long) Math.ceil(l / h);
      while ((double) i * h < l) {
        i++;
      }
      while ((double) (i - 1) * h >= l) {
        i--;
      }
      index[k] = i; // (i − 1)h < l ≤ ih
      lo = Math.min(lo, i - 1);
      hi = Math.max(hi, i);
    }
    checkSize(hi - lo + 1);
    double[] masses = new double[(int) (hi - lo + 1)];
    for (int k = 0; k < losses.length; k++) {
      double p = probabilities[k];
      int top = (int) (index[k] - lo);
      double b = (double) index[k] * h;
      if (raised[k] == b) {
        masses[top] += p;
        continue;
      }
      double a = (double) (index[k] - 1) * h;
      // Split as in the class comment; the weight is raised for its own rounding (a few u).
      double w = -StrictMath.expm1(a - raised[k]) / -StrictMath.expm1(a - b);
      double up = Math.min(p, p * w * (1 + 16 * U) + 16 * U * p);
      masses[top] += up;
      masses[top - 1] += p - up;
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
