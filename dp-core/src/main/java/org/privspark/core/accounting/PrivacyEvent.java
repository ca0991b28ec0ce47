package org.privspark.core.accounting;

/**
 * What one release costs, described by its mechanism and parameters.
 *
 * <p>Every event has a Rényi-DP curve α ↦ ε(α) (computed on whatever {@link OrderGrid} the
 * accountant uses), an additive δ for mechanisms that are only (ε, δ)-DP (partition selection, for
 * example: the δ-approximate RDP of Bun &amp; Steinke 2016, §8), and, where one exists, a pure-DP
 * ε. Composition adds the curves, the δ's and the pure ε's.
 *
 * <p>Events are immutable values; their constructors validate every parameter. Curves are computed
 * with {@link StrictMath} (and commons-math's pure-Java special functions), never the platform
 * intrinsics of {@link Math}, so that every JVM, and an auditor's recomputation of a ledger entry,
 * gets bit-identical costs.
 */
public sealed interface PrivacyEvent
    permits GaussianEvent,
        LaplaceEvent,
        SampledGaussianEvent,
        PureDpEvent,
        ZcdpEvent,
        DiscreteGaussianEvent,
        DiscreteLaplaceEvent,
        ApproximateDpEvent,
        DeltaEvent,
        ComposedEvent,
        SelfComposedEvent,
        PrivateSelectionEvent {

  /**
   * The Rényi-DP ε at order {@code order} (&gt; 1).
   *
   * @param order the Rényi order α, &gt; 1
   * @return ε(α), &ge; 0, or +∞ when the event has no bound at that order
   */
  double rdp(double order);

  /**
   * The additive δ carried alongside the RDP curve; 0 for pure RDP mechanisms.
   *
   * @return the additive δ, in [0, 1]
   */
  default double additiveDelta() {
    return 0;
  }

  /**
   * A pure ε-DP bound, or +∞ when the mechanism has none (Gaussian noise, for example).
   *
   * @return the pure ε, or +∞
   */
  default double pureEpsilon() {
    return Double.POSITIVE_INFINITY;
  }

  /**
   * The RDP curve of this event on {@code grid}.
   *
   * @param grid the orders
   * @return ε(α) at each order of {@code grid}
   */
  default RdpCurve curve(OrderGrid grid) {
    double[] values = new double[grid.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = rdp(grid.order(i));
    }
    return RdpCurve.of(grid, values);
  }

  /**
   * This event composed with {@code others}.
   *
   * @param others the events to compose with this one
   * @return the composition, which costs the sum of the curves
   */
  default PrivacyEvent and(PrivacyEvent... others) {
    PrivacyEvent[] all = new PrivacyEvent[others.length + 1];
    all[0] = this;
    System.arraycopy(others, 0, all, 1, others.length);
    return ComposedEvent.of(all);
  }

  /**
   * This event run {@code count} times.
   *
   * @param count how many times, &ge; 1
   * @return the self-composition
   */
  default PrivacyEvent times(long count) {
    return new SelfComposedEvent(this, count);
  }
}
