package org.privspark.core.accounting;

import java.util.Arrays;
import org.privspark.core.Check;

/**
 * Rényi-DP values ε(α), one per order of an {@link OrderGrid}. Immutable.
 *
 * <p>Additions and multiplications round toward +∞ (one ulp up, only when the exact result is not
 * representable), so that an accumulated curve is never below the exact sum of its parts: every
 * rounding in privacy accounting goes toward a higher cost.
 */
public final class RdpCurve {
  private final OrderGrid grid;
  private final double[] values;

  private RdpCurve(OrderGrid grid, double[] values) {
    this.grid = grid;
    this.values = values;
  }

  /** A curve from explicit values; each must be &ge; 0 (+∞ allowed, NaN refused). */
  public static RdpCurve of(OrderGrid grid, double[] values) {
    Check.notNull("grid", grid);
    Check.notNull("values", values);
    if (values.length != grid.size()) {
      throw new IllegalArgumentException(
          "values must have one entry per order (" + grid.size() + "); got " + values.length);
    }
    for (int i = 0; i < values.length; i++) {
      if (!(values[i] >= 0)) {
        throw new IllegalArgumentException(
            "rdp at order " + grid.order(i) + " must be >= 0; got " + values[i]);
      }
    }
    return new RdpCurve(grid, values.clone());
  }

  /** The zero curve: no privacy loss. */
  public static RdpCurve zero(OrderGrid grid) {
    return new RdpCurve(Check.notNull("grid", grid), new double[grid.size()]);
  }

  public OrderGrid grid() {
    return grid;
  }

  public double value(int i) {
    return values[i];
  }

  /** A copy of the values. */
  public double[] values() {
    return values.clone();
  }

  /** This curve plus another on the same grid, rounded up. */
  public RdpCurve plus(RdpCurve other) {
    requireSameGrid(other);
    double[] sum = new double[values.length];
    for (int i = 0; i < sum.length; i++) {
      sum[i] = addRoundingUp(values[i], other.values[i]);
    }
    return new RdpCurve(grid, sum);
  }

  /** This curve composed {@code count} times, rounded up. */
  public RdpCurve times(long count) {
    Check.atLeastOne("count", count);
    if (count >= (1L << 53)) {
      throw new IllegalArgumentException("count must be < 2^53; got " + count);
    }
    double[] product = new double[values.length];
    for (int i = 0; i < product.length; i++) {
      product[i] = multiplyRoundingUp(values[i], count);
    }
    return new RdpCurve(grid, product);
  }

  /** a + b rounded toward +∞: the nearest double, moved up one ulp only if it fell short. */
  public static double addRoundingUp(double a, double b) {
    double s = a + b;
    if (!Double.isFinite(s)) {
      return s;
    }
    // Knuth's TwoSum: err is exactly (a + b) − s.
    double bb = s - a;
    double err = (a - (s - bb)) + (b - bb);
    return err > 0 ? Math.nextUp(s) : s;
  }

  /**
   * value × count rounded toward +∞ (value &ge; 0), exact when the product is representable. A
   * count from 2^53 up may not be a double: it is first rounded up to one.
   */
  static double multiplyRoundingUp(double value, long count) {
    double n = (double) count; // to nearest: exact below 2^53
    // (long) is exact for the integral doubles below 2^63 and saturates at 2^63 > every long.
    if ((long) n < count) {
      n = Math.nextUp(n);
    }
    return Directed.multiplyUp(value, n);
  }

  private void requireSameGrid(RdpCurve other) {
    if (!grid.equals(other.grid)) {
      throw new IllegalArgumentException(
          "curves must share one order grid; got " + grid + " and " + other.grid);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RdpCurve c && grid.equals(c.grid) && Arrays.equals(values, c.values);
  }

  @Override
  public int hashCode() {
    return 31 * grid.hashCode() + Arrays.hashCode(values);
  }

  @Override
  public String toString() {
    return "RdpCurve" + Arrays.toString(values) + " on " + grid;
  }
}
