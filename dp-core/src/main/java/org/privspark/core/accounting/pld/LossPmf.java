package org.privspark.core.accounting.pld;

/**
 * One direction's discretised privacy loss distribution: mass {@code masses[i]} at the loss {@code
 * (offset + i) · h}, plus {@code infinityMass} at +∞, and a bound {@code error} on the ℓ1 distance
 * (over the finite masses and the infinite one together) between the stored masses and a
 * pessimistic reference distribution: one whose δ(ε) is at least the mechanism's.
 *
 * <p>δ(ε) = Σ_i p_i (1 − e^{ε − l_i})₊ + p_∞ (Koskela, Jälkö &amp; Honkela 2020, Eq. (2.3); Sommer,
 * Meiser &amp; Mohammadi 2019, Thm. 5). Each weight lies in [0, 1], so a vector within ℓ1 distance
 * e of the reference gives a δ within e of the reference's: {@link #delta} adds e.
 */
final class LossPmf {
  private static final double U = 0x1p-53;

  /** |loss| up to which e^{±loss} is a finite double with room to spare (e^709 is the last). */
  private static final double LINEAR_LIMIT = 700;

  final double h;
  final double tail;
  final long offset;
  final double[] masses;
  final double infinityMass;
  final double error;

  LossPmf(double h, double tail, long offset, double[] masses, double infinityMass, double error) {
    this.h = h;
    this.tail = tail;
    this.offset = offset;
    this.masses = masses;
    this.infinityMass = Math.min(1, infinityMass);
    this.error = error;
  }

  /** A point mass at loss 0 (an event that costs nothing). */
  static LossPmf identity(double h, double tail) {
    return new LossPmf(h, tail, 0, new double[] {1.0}, 0, 0);
  }

  double loss(int i) {
    return (double) (offset + i) * h;
  }

  /**
   * This distribution composed with {@code other}: the finite parts convolved by FFT, the infinite
   * masses combined as 1 − (1 − p_∞)(1 − q_∞), then the tails truncated.
   */
  LossPmf compose(LossPmf other) {
    if (other.h != h || other.tail != tail) {
      throw new IllegalArgumentException(
          "settings must match to compose two privacy loss distributions; got interval "
              + h
              + " and "
              + other.h
              + ", tail mass "
              + tail
              + " and "
              + other.tail);
    }
    Fft.Result conv = Fft.convolve(masses, other.masses);
    double inf = Math.nextUp(infinityMass + other.infinityMass - infinityMass * other.infinityMass);
    // ‖p̃∗q̃ − p∗q‖₁ ≤ e_p‖q̃‖₁ + ‖p‖₁e_q with ‖q̃‖₁ ≤ 1 + e_q and ‖p‖₁ ≤ 1 + 1e-6 (a reference
    // whose probabilities were rounded up may exceed 1 by 8u per atom, at most 2^26 atoms); the
    // infinite masses' formula moves by at most e_p + e_q as well.
    double err = (error * (1 + other.error) + other.error) * (1 + 1e-6) + conv.l1Error();
    // The FFT leaves a floor of rounding noise (below its error bound in total) over the whole
    // support; letting each tail cut also take up to that much keeps the support from growing
    // with it. Cutting more is still pessimistic, and costs δ at most the mass cut.
    return truncate(offset + other.offset, conv.values(), inf, err, tail / 2 + conv.l1Error());
  }

  /** This distribution composed with itself {@code times} times, by repeated squaring. */
  LossPmf selfCompose(long times) {
    LossPmf result = null;
    LossPmf base = this;
    long t = times;
    while (true) {
      if ((t & 1) != 0) {
        result = result == null ? base : result.compose(base);
      }
      t >>>= 1;
      if (t == 0) {
        return result;
      }
      base = base.compose(base);
    }
  }

  /**
   * Moves the upper tail (at most τ/2 of mass, counted from the top) to +∞ and the lower tail (at
   * most τ/2) onto the lowest kept point: both raise losses, so δ can only grow. Drops the zero
   * entries at either end.
   */
  LossPmf truncate(long newOffset, double[] values, double inf, double err) {
    return truncate(newOffset, values, inf, err, tail / 2);
  }

  /** As {@link #truncate(long, double[], double, double)}, cutting up to {@code half} per tail. */
  LossPmf truncate(long newOffset, double[] values, double inf, double err, double half) {
    int top = values.length - 1;
    double upper = 0;
    while (top > 0 && (values[top] == 0 || upper + values[top] <= half)) {
      upper += values[top];
      top--;
    }
    int bottom = 0;
    double lower = 0;
    while (bottom < top && (values[bottom] == 0 || lower + values[bottom] <= half)) {
      lower += values[bottom];
      bottom++;
    }
    double[] kept = new double[top - bottom + 1];
    System.arraycopy(values, bottom, kept, 0, kept.length);
    kept[0] += lower;
    // The sums above each carry at most (n·u) of their total (≤ τ) as rounding; upward for ∞.
    double moved = Math.nextUp(upper * (1 + values.length * 2 * U));
    double rounding = (upper + lower) * values.length * 2 * U;
    return new LossPmf(
        h, tail, newOffset + bottom, kept, Math.nextUp(inf + moved), Math.nextUp(err + rounding));
  }

  /**
   * δ(ε) ≥ the reference's: the sum over losses above ε, inflated for its rounding (n additions,
   * the weights' own error), plus p_∞ and the ℓ1 error bound.
   */
  double delta(double epsilon) {
    double sum = 0;
    double maxLoss = 0;
    int n = 0;
    for (int i = masses.length - 1; i >= 0; i--) {
      double l = loss(i);
      if (!(l > epsilon)) {
        break;
      }
      if (n == 0) {
        maxLoss = l;
      }
      if (masses[i] != 0) {
        sum += masses[i] * -StrictMath.expm1(epsilon - l);
        n++; // adding a zero is exact: only the others count toward the rounding
      }
    }
    double slack = (n + 8 + maxLoss + Math.abs(epsilon)) * 4 * U;
    double d = Math.nextUp(sum * (1 + slack) + infinityMass + error + Double.MIN_NORMAL);
    // δ ≤ 1 for every pair: a NaN (which no valid input gives) reads as the worst case, never as a
    // figure that passes a comparison.
    return d <= 1 ? d : 1;
  }

  /**
   * The smallest ε ≥ 0 (up to a relative 1e-12) with {@link #delta}(ε) ≤ δ, or +∞ if none: a
   * candidate from suffix sums (δ(ε) = S₁ − e^ε S₂ between two grid points), then checked with
   * {@link #delta} itself and nudged up until the check passes.
   */
  double epsilon(double targetDelta) {
    if (infinityMass + error >= targetDelta) {
      return Double.POSITIVE_INFINITY;
    }
    if (delta(0) <= targetDelta) {
      return 0;
    }
    double budget = targetDelta - infinityMass - error;
    // Linear sums where e^{±l} stay finite (every ledger figure pinned as 'pld' version 1 was made
    // this way, bit for bit); past about 709, e^{−l} underflows and e^ε overflows, so there S₂ =
    // Σ p_i e^{−l_i} is kept as a logarithm instead.
    boolean linear = loss(0) >= -LINEAR_LIMIT && loss(masses.length - 1) <= LINEAR_LIMIT;
    double s1 = 0;
    double s2 = 0;
    double logS2 = Double.NEGATIVE_INFINITY;
    double candidate = Double.NaN;
    for (int i = masses.length - 1; i >= 0; i--) {
      double l = loss(i);
      s1 += masses[i];
      double below = i > 0 ? Math.max(loss(i - 1), 0) : 0;
      double atBelow;
      if (linear) {
        s2 += masses[i] * StrictMath.exp(-l);
        atBelow = s1 - StrictMath.exp(below) * s2;
      } else {
        if (masses[i] > 0) {
          double term = StrictMath.log(masses[i]) - l;
          double hi = Math.max(logS2, term);
          logS2 = hi + StrictMath.log1p(StrictMath.exp(Math.min(logS2, term) - hi));
        }
        atBelow = s1 - StrictMath.exp(below + logS2);
      }
      if (atBelow > budget || below == 0) {
        if (linear) {
          candidate = s2 > 0 ? StrictMath.log((s1 - budget) / s2) : l;
        } else {
          candidate = logS2 > Double.NEGATIVE_INFINITY ? StrictMath.log(s1 - budget) - logS2 : l;
        }
        candidate = Math.min(Math.max(candidate, below), l);
        break;
      }
    }
    // The candidate is only a starting point: the loop below checks it with delta itself.
    double eps = Double.isNaN(candidate) ? 0 : Math.max(candidate, 0);
    for (int guard = 0; !(delta(eps) <= targetDelta); guard++) {
      if (guard > 2000) {
        return Double.POSITIVE_INFINITY;
      }
      eps = Math.nextUp(eps + Math.max(Math.abs(eps) * 1e-12, 1e-15) * (1L << Math.min(guard, 50)));
    }
    return eps;
  }
}
