package org.privspark.core.ledger;

import java.util.Arrays;
import org.privspark.core.Check;
import org.privspark.core.accounting.OrderGrid;
import org.privspark.core.accounting.PrivacyEvent;
import org.privspark.core.accounting.PrivacyGuarantee;
import org.privspark.core.accounting.RdpConversion;
import org.privspark.core.accounting.RdpCurve;

/**
 * A release's cost as the ledger records it: the RDP curve and the pure ε as fixed-point integers
 * (value·2^40, rounded up, so never below the true cost), plus the additive δ as a double.
 *
 * <p>Integers make the ledger's totals exact and order-independent: the writer's budget check and
 * the auditor's recomputation add the same integers and get the same bits. Values of 2^22 or more
 * (and +∞) are stored as {@link #INFINITE}; such an order certifies nothing useful anyway. Sums
 * saturate at {@link #INFINITE}.
 *
 * @param rdp one value per order of the ledger's grid
 * @param pureEpsilon the pure-DP ε, or {@link #INFINITE} when the event has no pure bound
 * @param delta the additive δ in [0, 1]
 */
public record FixedPointCost(long[] rdp, long pureEpsilon, double delta) {
  /** Fraction bits: a value v is stored as ⌈v·2^40⌉. */
  public static final int FRACTION_BITS = 40;

  /** The stored form of +∞ and of any value ≥ 2^22. */
  public static final long INFINITE = Long.MAX_VALUE;

  private static final double LIMIT = 0x1p22;

  public FixedPointCost {
    Check.notNull("rdp", rdp);
    rdp = rdp.clone();
    for (long r : rdp) {
      if (r < 0) {
        throw new IllegalArgumentException("rdp values must be >= 0; got " + r);
      }
    }
    if (pureEpsilon < 0) {
      throw new IllegalArgumentException("pureEpsilon must be >= 0; got " + pureEpsilon);
    }
    Check.inClosed("delta", delta, 0.0, 1.0);
  }

  /** The cost of {@code event} on {@code grid}, each value rounded up. */
  public static FixedPointCost of(PrivacyEvent event, OrderGrid grid) {
    RdpCurve curve = event.curve(grid);
    long[] rdp = new long[grid.size()];
    for (int i = 0; i < rdp.length; i++) {
      rdp[i] = toFixed(curve.value(i));
    }
    return new FixedPointCost(rdp, toFixed(event.pureEpsilon()), event.additiveDelta());
  }

  /** Nothing spent. */
  public static FixedPointCost zero(OrderGrid grid) {
    return new FixedPointCost(new long[grid.size()], 0, 0.0);
  }

  @Override
  public long[] rdp() {
    return rdp.clone();
  }

  /** This cost plus {@code other}: exact integer sums (saturating), δ rounded up. */
  public FixedPointCost plus(FixedPointCost other) {
    if (other.rdp.length != rdp.length) {
      throw new IllegalArgumentException(
          "costs must be on the same grid; got "
              + rdp.length
              + " and "
              + other.rdp.length
              + " orders");
    }
    long[] sum = new long[rdp.length];
    for (int i = 0; i < sum.length; i++) {
      sum[i] = addSaturating(rdp[i], other.rdp[i]);
    }
    return new FixedPointCost(
        sum,
        addSaturating(pureEpsilon, other.pureEpsilon),
        Math.min(1.0, RdpCurve.addRoundingUp(delta, other.delta)));
  }

  /** The (ε, δ) this cost certifies at total δ {@code budgetDelta}, from values rounded up. */
  public PrivacyGuarantee guarantee(OrderGrid grid, double budgetDelta) {
    double[] values = new double[rdp.length];
    for (int i = 0; i < values.length; i++) {
      values[i] = toDouble(rdp[i]);
    }
    return RdpConversion.epsilon(
        RdpCurve.of(grid, values), delta, toDouble(pureEpsilon), budgetDelta);
  }

  /** ⌈v·2^40⌉, or {@link #INFINITE} for v ≥ 2^22. */
  static long toFixed(double v) {
    if (!(v >= 0)) {
      throw new IllegalArgumentException("cost values must be >= 0; got " + v);
    }
    if (!(v < LIMIT)) {
      return INFINITE;
    }
    return (long) Math.ceil(Math.scalb(v, FRACTION_BITS));
  }

  /**
   * f·2^−40 rounded up to a double; {@link #INFINITE} is +∞.
   *
   * @param f a fixed-point value
   * @return the double, never below the value
   */
  public static double toDouble(long f) {
    if (f == INFINITE) {
      return Double.POSITIVE_INFINITY;
    }
    double d = (double) f;
    if ((long) d < f) {
      d = Math.nextUp(d);
    }
    return Math.scalb(d, -FRACTION_BITS);
  }

  private static long addSaturating(long a, long b) {
    long s = a + b;
    return (a == INFINITE || b == INFINITE || s < 0) ? INFINITE : s;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FixedPointCost c
        && Arrays.equals(rdp, c.rdp)
        && pureEpsilon == c.pureEpsilon
        && Double.doubleToLongBits(delta) == Double.doubleToLongBits(c.delta);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(rdp) * 31 + Long.hashCode(pureEpsilon) * 17 + Double.hashCode(delta);
  }

  @Override
  public String toString() {
    return "FixedPointCost["
        + rdp.length
        + " orders, pureEpsilon="
        + pureEpsilon
        + ", delta="
        + delta
        + "]";
  }
}
