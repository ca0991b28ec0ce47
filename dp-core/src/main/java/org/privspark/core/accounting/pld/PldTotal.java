package org.privspark.core.accounting.pld;

import org.privspark.core.Check;
import org.privspark.core.accounting.Accountant;
import org.privspark.core.accounting.OrderGrid;
import org.privspark.core.accounting.PrivacyEvent;
import org.privspark.core.accounting.PrivacyGuarantee;
import org.privspark.core.accounting.RdpConversion;
import org.privspark.core.accounting.RdpCurve;
import org.privspark.core.accounting.RunningTotal;

/**
 * The running total of a budget or ledger on the {@link Accountant#PLD} accountant: the pessimistic
 * PLD of every event admitted so far, composed once per admitted event (one FFT composition per
 * spend, never a recomposition of the history). Immutable.
 *
 * <p>Every PLD budget and ledger, and every auditor of a PLD ledger, composes with {@link
 * #SETTINGS}: a ledger's verdict must not depend on who recomputes it (docs/LEDGER-FORMAT.md §4.1).
 * The PLDs are pessimistic and so is their composition (Koskela, Jälkö and Honkela 2020;
 * Doroshenko, Ghazi, Kamath, Kumar and Manurangsi 2022, "Connect the Dots", Thm. 3.5), so ε(δ) read
 * off the total is never below the true ε of the composed mechanisms at that δ.
 */
public final class PldTotal implements RunningTotal {
  /** The discretisation every PLD budget, ledger and auditor uses. */
  public static final PldSettings SETTINGS = PldSettings.defaults();

  /**
   * The orders of the RDP bound kept beside the PLD, frozen here (not the ledger's grid, and not
   * whatever {@link OrderGrid#defaults()} may become) so that the rule is one computation whoever
   * runs it: k/10 for k = 11 to 109, the integers 11 to 63, then 128, 256, 512 and 1024
   * (docs/LEDGER-FORMAT.md §4.1; today the same orders as the default grid).
   */
  public static final OrderGrid RDP_GRID = frozenRdpGrid();

  private static OrderGrid frozenRdpGrid() {
    double[] orders = new double[99 + 53 + 4];
    int i = 0;
    for (int k = 11; k <= 109; k++) {
      orders[i++] = k / 10.0;
    }
    for (int a = 11; a <= 63; a++) {
      orders[i++] = a;
    }
    for (double a : new double[] {128, 256, 512, 1024}) {
      orders[i++] = a;
    }
    return OrderGrid.of(orders);
  }

  private static final PldTotal EMPTY = new PldTotal(null, 0, RdpCurve.zero(RDP_GRID), 0, 0);

  /** The composition of the events admitted; null when none was. */
  private final PrivacyLossDistribution pld;

  private final long events;

  // The same events composed under RDP on RDP_GRID: a second valid bound (see guarantee).
  private final RdpCurve rdpCurve;
  private final double rdpAdditiveDelta;
  private final double rdpPureEpsilon;

  /** The last guarantee read, reused for the same δ (a budget reads at one δ only). */
  private volatile PrivacyGuarantee lastRead;

  private PldTotal(
      PrivacyLossDistribution pld,
      long events,
      RdpCurve rdpCurve,
      double rdpAdditiveDelta,
      double rdpPureEpsilon) {
    this.pld = pld;
    this.events = events;
    this.rdpCurve = rdpCurve;
    this.rdpAdditiveDelta = rdpAdditiveDelta;
    this.rdpPureEpsilon = rdpPureEpsilon;
  }

  /** Nothing admitted: ε = 0 at every δ. */
  public static PldTotal empty() {
    return EMPTY;
  }

  /**
   * The PLD of {@code event} on {@link #SETTINGS}, with a budget's refusal of an event that has
   * none.
   *
   * @throws IllegalArgumentException naming the event kind and saying to use an RDP ledger, when
   *     the event has no PLD (a zCDP bound, a private selection); nothing is charged
   */
  public static PrivacyLossDistribution of(PrivacyEvent event) {
    Check.notNull("event", event);
    try {
      return PrivacyLossDistribution.of(event, SETTINGS);
    } catch (UnsupportedPldException e) {
      throw new IllegalArgumentException(
          "the PLD accountant cannot charge a "
              + e.eventKind()
              + " (it has no privacy-loss distribution); use an RDP ledger or budget (accountant"
              + " rdp) for it; nothing was charged",
          e);
    }
  }

  /**
   * This total with one more event composed in.
   *
   * @param event the event
   * @param eventPld its PLD, from {@link #of}
   * @return the new total; this one is unchanged
   */
  public PldTotal plus(PrivacyEvent event, PrivacyLossDistribution eventPld) {
    Check.notNull("event", event);
    Check.notNull("eventPld", eventPld);
    return new PldTotal(
        pld == null ? eventPld : pld.compose(eventPld),
        events + 1,
        rdpCurve.plus(event.curve(RDP_GRID)),
        RdpCurve.addRoundingUp(rdpAdditiveDelta, event.additiveDelta()),
        RdpCurve.addRoundingUp(rdpPureEpsilon, event.pureEpsilon()));
  }

  @Override
  public PldTotal plus(PrivacyEvent event) {
    return plus(event, of(event));
  }

  /** How many events are composed in. */
  public long events() {
    return events;
  }

  /**
   * The (ε, δ) of the composition at {@code delta}: ε(δ) rounded up (+∞ when no finite ε holds at
   * that δ), 0 when nothing was composed. The order is NaN: no Rényi order is involved.
   *
   * @param delta δ in [0, 1)
   * @return the guarantee
   */
  @Override
  public PrivacyGuarantee guarantee(double delta) {
    Check.inHalfOpen("delta", delta, 0.0, 1.0);
    PrivacyGuarantee last = lastRead;
    if (last != null && Double.doubleToLongBits(last.delta()) == Double.doubleToLongBits(delta)) {
      return last;
    }
    double epsilon = pld == null ? 0.0 : Math.max(0.0, pld.epsilon(delta));
    if (Double.isNaN(epsilon)) {
      epsilon = Double.POSITIVE_INFINITY; // fail closed: no finite ε from a broken figure
    }
    // Both the PLD and the RDP composition of the same events certify (ε, δ)-DP at δ; the smaller
    // is reported. RDP wins only on very long compositions, where the FFT error bounds the PLD
    // carries add up (docs/ACCOUNTING.md, "Budgets on PLD").
    if (pld != null && delta > 0) {
      double rdp =
          RdpConversion.epsilon(rdpCurve, rdpAdditiveDelta, rdpPureEpsilon, delta).epsilon();
      if (rdp < epsilon) {
        epsilon = rdp;
      }
    }
    PrivacyGuarantee read = new PrivacyGuarantee(epsilon, delta, Double.NaN, false);
    lastRead = read;
    return read;
  }

  /**
   * The {@link RunningTotal.Provider} of the PLD accountant (named by RunningTotal.PLD_PROVIDER).
   */
  public static final class Provider implements RunningTotal.Provider {
    /** For {@link org.privspark.core.accounting.RunningTotal#empty}. */
    public Provider() {}

    @Override
    public Accountant accountant() {
      return Accountant.PLD;
    }

    @Override
    public RunningTotal empty() {
      return EMPTY;
    }
  }
}
