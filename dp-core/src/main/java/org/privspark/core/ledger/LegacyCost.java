package org.privspark.core.ledger;

/**
 * The cost rule of format versions 1 and 2 (docs/LEDGER-FORMAT.md §9.1). Their writers rounded each
 * cost to nearest; today's recomputation rounds up and carries error bounds, so a value they
 * recorded (transparent) or committed (confidential) can lie a little off today's. Such a value is
 * accepted when it is within {@link #tolerance} of today's value, on either side; version 3 is held
 * to exact equality.
 *
 * <p>The constants come from comparing the old and new costs of 72,000 random events on four order
 * grids (docs/LEDGER-FORMAT.md §9.1 has the figures): with usual parameters, on the default grid,
 * the old values lie at most 6·10^−6 relative (54 units for values below 2^24) below today's and at
 * most 4·10^−14 relative above. Accepting up to 2^−16 relative (1.5·10^−5) below today's lets a
 * legacy entry understate its cost by at most that, which no ε shows in practice; above today's, a
 * recorded value only overstates the cost.
 */
final class LegacyCost {
  /**
   * The smallest tolerance, in units of 2^−40: covers small values, where one rounding is many
   * units relative.
   */
  static final long MIN_TOLERANCE = 256;

  /** The relative tolerance is 2^−{@value}. */
  static final int RELATIVE_BITS = 16;

  /**
   * The largest tolerance: 2^32 units (2^−8 of RDP), reached at values of 2^48 units (RDP 256, the
   * largest a budget proof handles); it bounds the holder's search for a committed value.
   */
  static final long MAX_TOLERANCE = 1L << 32;

  private LegacyCost() {}

  /** max(256, min(⌈recomputed·2^−16⌉, 2^32)) units. */
  static long tolerance(long recomputed) {
    long relative =
        (recomputed >>> RELATIVE_BITS) + ((recomputed & ((1L << RELATIVE_BITS) - 1)) != 0 ? 1 : 0);
    return Math.max(MIN_TOLERANCE, Math.min(relative, MAX_TOLERANCE));
  }

  /**
   * Whether a legacy value matches today's: equal, or both finite and at most {@link #tolerance}
   * apart. +∞ ({@link FixedPointCost#INFINITE}) matches only +∞.
   */
  static boolean accepts(long recorded, long recomputed) {
    if (recorded == recomputed) {
      return true;
    }
    if (recorded == FixedPointCost.INFINITE || recomputed == FixedPointCost.INFINITE) {
      return false;
    }
    return Math.abs(recorded - recomputed) <= tolerance(recomputed);
  }

  /**
   * Whether every RDP value and the pure ε match (as {@link #accepts(long, long)}) and δ is equal.
   */
  static boolean accepts(FixedPointCost recorded, FixedPointCost recomputed) {
    long[] r = recorded.rdp();
    long[] c = recomputed.rdp();
    if (r.length != c.length
        || !accepts(recorded.pureEpsilon(), recomputed.pureEpsilon())
        || Double.doubleToLongBits(recorded.delta())
            != Double.doubleToLongBits(recomputed.delta())) {
      return false;
    }
    for (int i = 0; i < r.length; i++) {
      if (!accepts(r[i], c[i])) {
        return false;
      }
    }
    return true;
  }
}
