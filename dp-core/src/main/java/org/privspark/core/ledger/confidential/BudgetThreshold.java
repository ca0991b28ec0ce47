package org.privspark.core.ledger.confidential;

import org.privspark.core.Check;
import org.privspark.core.accounting.OrderGrid;
import org.privspark.core.accounting.RdpConversion;
import org.privspark.core.accounting.RdpCurve;
import org.privspark.core.ledger.FixedPointCost;
import org.privspark.core.ledger.LedgerGenesis;

/**
 * T(α): the largest fixed-point total RDP at order α that is still within a confidential ledger's
 * budget, the public bound a budget proof shows the committed total to be under.
 *
 * <p>T(α) = max { t ∈ [0, 2^62] : ε(t) ≤ budget ε }, where ε(t) is exactly the conversion the
 * writer's budget check applies (docs/ACCOUNTING.md; Canonne, Kamath &amp; Steinke 2020, Prop. 12,
 * plus the total-variation bound), evaluated at α alone on t·2^−40 rounded up to a double, with the
 * public additive δ of the entries taken off the budget's δ first. ε(t) is non-decreasing in t, so
 * a binary search finds T exactly, and T is rounded DOWN by construction: T + 1 is not within
 * budget. Because the writer accepts a total only if the conversion at its best order α* is within
 * budget, and that conversion at α* is the same arithmetic on the same double, every total the
 * writer accepted is ≤ T(α*) (a test checks this).
 *
 * <p>−1 means no total at all is within budget at α (for example when the additive δ uses up the
 * budget's δ).
 */
public final class BudgetThreshold {
  /**
   * The search's upper end: every finite fixed-point value is below 2^62 (values ≥ 2^22 are +∞).
   */
  static final long CAP = 1L << 62;

  private BudgetThreshold() {}

  /**
   * T(α) in fixed point (2^40 scale), or −1.
   *
   * @param genesis the ledger (budget ε and δ)
   * @param order α, one of the ledger's orders
   * @param additiveDelta the sum of the entries' public additive δ
   */
  public static long of(LedgerGenesis genesis, double order, double additiveDelta) {
    Check.notNull("genesis", genesis);
    Check.inClosed("additiveDelta", additiveDelta, 0.0, 1.0);
    OrderGrid one = OrderGrid.of(order);
    if (!within(genesis, one, 0, additiveDelta)) {
      return -1;
    }
    if (within(genesis, one, CAP, additiveDelta)) {
      return CAP;
    }
    long lo = 0; // within
    long hi = CAP; // not within
    while (hi - lo > 1) {
      long mid = lo + (hi - lo) / 2;
      if (within(genesis, one, mid, additiveDelta)) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  private static boolean within(LedgerGenesis g, OrderGrid one, long t, double additiveDelta) {
    if (additiveDelta > g.budgetDelta()) {
      return false;
    }
    RdpCurve curve = RdpCurve.of(one, new double[] {FixedPointCost.toDouble(t)});
    double epsilon =
        RdpConversion.epsilon(curve, additiveDelta, Double.POSITIVE_INFINITY, g.budgetDelta())
            .epsilon();
    return epsilon <= g.budgetEpsilon();
  }
}
