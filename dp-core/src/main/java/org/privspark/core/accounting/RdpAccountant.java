package org.privspark.core.accounting;

import org.privspark.core.Check;

/**
 * Composes privacy events on one order grid and reports the total as (ε, δ).
 *
 * <p>Keeps three running totals, so that each {@link #compose} costs O(number of orders): the RDP
 * curve, the additive δ and the pure ε. Not thread-safe; {@link PrivacyBudget} is the thread-safe
 * filter built on it.
 */
public final class RdpAccountant {
  private final OrderGrid grid;
  private RdpCurve curve;
  private double additiveDelta;
  private double pureEpsilon;

  /** An accountant on the default grid. */
  public RdpAccountant() {
    this(OrderGrid.defaults());
  }

  /**
   * An accountant on {@code grid}, with nothing composed yet.
   *
   * @param grid the RDP orders to track
   */
  public RdpAccountant(OrderGrid grid) {
    this.grid = Check.notNull("grid", grid);
    this.curve = RdpCurve.zero(grid);
    this.additiveDelta = 0;
    this.pureEpsilon = 0;
  }

  /**
   * Adds one event to the composition; returns this accountant.
   *
   * @param event the event to add
   * @return this accountant, for chaining
   */
  public RdpAccountant compose(PrivacyEvent event) {
    Check.notNull("event", event);
    return compose(event.curve(grid), event.additiveDelta(), event.pureEpsilon());
  }

  RdpAccountant compose(RdpCurve eventCurve, double eventDelta, double eventPureEpsilon) {
    curve = curve.plus(eventCurve);
    additiveDelta = RdpCurve.addRoundingUp(additiveDelta, eventDelta);
    pureEpsilon = RdpCurve.addRoundingUp(pureEpsilon, eventPureEpsilon);
    return this;
  }

  /**
   * The orders this accountant tracks.
   *
   * @return the grid it was made with
   */
  public OrderGrid grid() {
    return grid;
  }

  /**
   * The composed RDP curve.
   *
   * @return the sum of the composed events' RDP curves
   */
  public RdpCurve curve() {
    return curve;
  }

  /**
   * The composed additive δ: the sum, rounded up, of the δ the composed events carry outside their
   * RDP curves.
   *
   * @return the additive δ, in [0, 1]
   */
  public double additiveDelta() {
    return additiveDelta;
  }

  /**
   * The composed pure ε; +∞ once any composed event has no pure-DP bound.
   *
   * @return the composed pure ε, or +∞
   */
  public double pureEpsilon() {
    return pureEpsilon;
  }

  /**
   * The smallest ε certified at total δ in [0, 1).
   *
   * @param delta the total δ, in [0, 1)
   * @return the smallest ε, with the order that certifies it
   */
  public PrivacyGuarantee epsilon(double delta) {
    return RdpConversion.epsilon(curve, additiveDelta, pureEpsilon, delta);
  }

  /**
   * The smallest total δ certified at ε &ge; 0.
   *
   * @param epsilon ε, &ge; 0
   * @return the smallest δ, with the order that certifies it
   */
  public PrivacyGuarantee delta(double epsilon) {
    return RdpConversion.delta(curve, additiveDelta, pureEpsilon, epsilon);
  }

  /**
   * The ε at δ of one event on its own, on {@code grid}.
   *
   * @param event the event to add
   * @param delta the total δ, in [0, 1)
   * @param grid the RDP orders to compose on
   * @return the smallest ε, with the order that certifies it
   */
  public static PrivacyGuarantee epsilonOf(PrivacyEvent event, double delta, OrderGrid grid) {
    return new RdpAccountant(grid).compose(event).epsilon(delta);
  }
}
