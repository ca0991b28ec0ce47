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

  public RdpAccountant(OrderGrid grid) {
    this.grid = Check.notNull("grid", grid);
    this.curve = RdpCurve.zero(grid);
    this.additiveDelta = 0;
    this.pureEpsilon = 0;
  }

  /** Adds one event to the composition; returns this accountant. */
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

  public OrderGrid grid() {
    return grid;
  }

  /** The composed RDP curve. */
  public RdpCurve curve() {
    return curve;
  }

  public double additiveDelta() {
    return additiveDelta;
  }

  /** The composed pure ε; +∞ once any composed event has no pure-DP bound. */
  public double pureEpsilon() {
    return pureEpsilon;
  }

  /** The smallest ε certified at total δ in [0, 1). */
  public PrivacyGuarantee epsilon(double delta) {
    return RdpConversion.epsilon(curve, additiveDelta, pureEpsilon, delta);
  }

  /** The smallest total δ certified at ε &ge; 0. */
  public PrivacyGuarantee delta(double epsilon) {
    return RdpConversion.delta(curve, additiveDelta, pureEpsilon, epsilon);
  }

  /** The ε at δ of one event on its own, on {@code grid}. */
  public static PrivacyGuarantee epsilonOf(PrivacyEvent event, double delta, OrderGrid grid) {
    return new RdpAccountant(grid).compose(event).epsilon(delta);
  }
}
