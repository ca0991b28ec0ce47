package org.privspark.core.accounting;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.privspark.core.Check;

/**
 * The Rényi orders α at which an accountant tracks privacy loss: strictly increasing, each finite
 * and &gt; 1.
 *
 * <p>Every {@link RdpCurve} is tied to one grid; curves on different grids never mix. The
 * conversion to (ε, δ) takes the best order of the grid, so a finer grid gives a tighter (never a
 * looser) ε.
 */
public final class OrderGrid {
  /** The largest accepted order: α − 1 is exact up to here. */
  public static final double MAX_ORDER = 0x1p52;

  private static final OrderGrid DEFAULT = build(true);
  private static final OrderGrid OPACUS = build(false);

  private final double[] orders;
  // Per-order constants of the (ε, δ) conversion, computed once and rounded for it: log α from
  // below and log(1 − 1/α) from above (both enter the conversion's ε with the sign that makes a
  // smaller log α and a larger log(1 − 1/α) give a larger ε).
  private final double[] logOrdersBelow;
  private final double[] logOneMinusInverseAbove;

  private OrderGrid(double[] orders) {
    this.orders = orders;
    this.logOrdersBelow = new double[orders.length];
    this.logOneMinusInverseAbove = new double[orders.length];
    for (int i = 0; i < orders.length; i++) {
      logOrdersBelow[i] = Directed.below(StrictMath.log(orders[i]));
      // −1/α rounded toward zero, so that log1p of it is not below log(1 − 1/α), then its ulp.
      logOneMinusInverseAbove[i] =
          Directed.above(StrictMath.log1p(-Directed.divideDown(1, orders[i])));
    }
  }

  /**
   * The default grid: 1.1 to 10.9 in steps of 0.1, the integers 11 to 63, then 128, 256, 512 and
   * 1024 (the high orders help small-δ conversions and pure-DP-like events).
   *
   * @return the default grid, shared and immutable
   */
  public static OrderGrid defaults() {
    return DEFAULT;
  }

  /**
   * Opacus' grid: 1.1 to 10.9 in steps of 0.1, then the integers 12 to 63.
   *
   * @return Opacus' grid, shared and immutable
   */
  public static OrderGrid opacus() {
    return OPACUS;
  }

  /**
   * A custom grid; orders must be in (1, 2^52] and strictly increasing.
   *
   * @param orders the orders α, strictly increasing, each in (1, 2^52]
   * @return the grid
   */
  public static OrderGrid of(double... orders) {
    Check.notNull("orders", orders);
    if (orders.length == 0) {
      throw new IllegalArgumentException("orders must hold at least one order; got none");
    }
    double[] copy = orders.clone();
    for (int i = 0; i < copy.length; i++) {
      if (!(copy[i] > 1) || !Double.isFinite(copy[i])) {
        throw new IllegalArgumentException(
            "orders[" + i + "] must be finite and > 1; got " + copy[i]);
      }
      if (copy[i] > MAX_ORDER) {
        // Below it α − 1 is an exact double, which the rounding-up of every cost relies on.
        throw new IllegalArgumentException(
            "orders[" + i + "] must be at most 2^52; got " + copy[i]);
      }
      if (i > 0 && !(copy[i] > copy[i - 1])) {
        throw new IllegalArgumentException(
            "orders must be strictly increasing; got " + copy[i - 1] + " then " + copy[i]);
      }
    }
    return new OrderGrid(copy);
  }

  /**
   * Parses {@code default}, {@code opacus}, or a comma-separated list of orders such as {@code
   * 1.5,2,4,8,16,32}.
   *
   * @param spec {@code default}, {@code opacus} or a list of orders
   * @return the grid
   * @throws IllegalArgumentException if {@code spec} is none of these
   */
  public static OrderGrid parse(String spec) {
    Check.notNull("orders", spec);
    String s = spec.trim();
    if (s.equals("default")) {
      return defaults();
    }
    if (s.equals("opacus")) {
      return opacus();
    }
    String[] parts = s.split(",");
    double[] values = new double[parts.length];
    for (int i = 0; i < parts.length; i++) {
      try {
        values[i] = Double.parseDouble(parts[i].trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "orders must be 'default', 'opacus' or a comma-separated list of numbers > 1; got '"
                + parts[i].trim()
                + "'");
      }
    }
    return of(values);
  }

  private static OrderGrid build(boolean withDefaultTail) {
    List<Double> list = new ArrayList<>();
    // 1.1 .. 10.9 as k/10, computed from integers so that every order is the closest double.
    for (int k = 11; k <= 109; k++) {
      list.add(k / 10.0);
    }
    for (int a = withDefaultTail ? 11 : 12; a <= 63; a++) {
      list.add((double) a);
    }
    if (withDefaultTail) {
      list.add(128.0);
      list.add(256.0);
      list.add(512.0);
      list.add(1024.0);
    }
    return new OrderGrid(list.stream().mapToDouble(Double::doubleValue).toArray());
  }

  /**
   * The number of orders.
   *
   * @return the number of orders, &ge; 1
   */
  public int size() {
    return orders.length;
  }

  /**
   * One order of the grid.
   *
   * @param i the index, in [0, {@link #size()})
   * @return the order α at {@code i}
   */
  public double order(int i) {
    return orders[i];
  }

  /**
   * A copy of the orders.
   *
   * @return the orders α, increasing
   */
  public double[] orders() {
    return orders.clone();
  }

  /** log α of order i, rounded down (never above the exact value). */
  double logOrderBelow(int i) {
    return logOrdersBelow[i];
  }

  /** log(1 − 1/α) of order i, rounded up (never below the exact value). */
  double logOneMinusInverseAbove(int i) {
    return logOneMinusInverseAbove[i];
  }

  /**
   * The smallest order.
   *
   * @return the smallest α, &gt; 1
   */
  public double smallest() {
    return orders[0];
  }

  /**
   * The largest order.
   *
   * @return the largest α
   */
  public double largest() {
    return orders[orders.length - 1];
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof OrderGrid g && Arrays.equals(orders, g.orders);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(orders);
  }

  @Override
  public String toString() {
    if (this.equals(DEFAULT)) {
      return "OrderGrid[default, " + orders.length + " orders]";
    }
    if (this.equals(OPACUS)) {
      return "OrderGrid[opacus, " + orders.length + " orders]";
    }
    return "OrderGrid" + Arrays.toString(orders);
  }
}
