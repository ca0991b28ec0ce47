package org.privspark.core.mechanism;

import org.privspark.core.Check;
import org.privspark.core.accounting.PrivacyEvent;
import org.privspark.core.noise.NoiseSource;

/**
 * Private partition selection: decides, from a group's number of distinct privacy units, whether
 * the group may appear in a release, so that groups created by one unit appear with probability at
 * most δ.
 *
 * <p>With a pre-threshold p ≥ 1, groups with fewer than p units are never kept and the noisy test
 * runs on n − (p − 1), so that p units play the role of one in the privacy argument.
 *
 * <p>Immutable and thread-safe; the {@link NoiseSource} is not.
 */
public abstract sealed class PartitionSelection
    permits LaplacePartitionSelection,
        GaussianPartitionSelection,
        TruncatedGeometricPartitionSelection {
  private final long preThreshold;

  PartitionSelection(long preThreshold) {
    this.preThreshold = preThreshold;
  }

  /** The checks every selection's factory runs first. */
  static void checkArguments(
      double epsilon, double delta, long maxPartitionsContributed, long preThreshold) {
    Check.positiveFinite("epsilon", epsilon);
    Check.inOpen("delta", delta, 0.0, 1.0);
    Check.atLeastOne("maxPartitionsContributed", maxPartitionsContributed);
    Check.atLeastOne("preThreshold", preThreshold);
  }

  /** Whether a group with {@code units} distinct privacy units is released. */
  public final boolean keep(long units, NoiseSource source) {
    long shifted = units - (preThreshold - 1);
    if (shifted < 1) {
      return false;
    }
    return keepShifted(shifted, source);
  }

  /** The randomised decision for a pre-threshold-shifted unit count ≥ 1. */
  abstract boolean keepShifted(long shiftedUnits, NoiseSource source);

  /**
   * The probability that a group with {@code units} distinct units (after bounding) is kept,
   * pre-threshold included: a prediction for planning (how many units a group needs), never used to
   * decide.
   */
  public final double keepProbability(long units) {
    long shifted = units - (preThreshold - 1);
    return shifted < 1 ? 0.0 : keepShiftedProbability(shifted);
  }

  /** The keep probability of a pre-threshold-shifted unit count ≥ 1. */
  abstract double keepShiftedProbability(long shiftedUnits);

  /**
   * The fewest units with which a group is kept with probability at least {@code probability} (by
   * {@link #keepProbability}, which grows with the units), or {@link Long#MAX_VALUE} if none.
   *
   * @param probability in (0, 1)
   */
  public final long unitsToKeep(double probability) {
    Check.inOpen("probability", probability, 0.0, 1.0);
    long lo = 0;
    long hi = 1;
    while (keepProbability(hi) < probability) {
      if (hi > Long.MAX_VALUE / 4) {
        return Long.MAX_VALUE;
      }
      lo = hi;
      hi *= 2;
    }
    while (hi - lo > 1) {
      long mid = lo + (hi - lo) / 2;
      if (keepProbability(mid) >= probability) {
        hi = mid;
      } else {
        lo = mid;
      }
    }
    return hi;
  }

  /** What the selection costs. */
  public abstract PrivacyEvent event();

  public long preThreshold() {
    return preThreshold;
  }
}
