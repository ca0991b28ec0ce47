package org.privspark.core.accounting;

import java.util.Optional;
import org.privspark.core.Check;

/**
 * A privacy filter: a fixed (ε, δ) budget that admits an event only if the composition of
 * everything admitted so far plus that event still satisfies (ε, δ)-DP, as certified by the
 * budget's {@link #accountant()}: the RDP accountant (the default), or the PLD accountant, whose
 * ε(δ) of the whole composition is tighter (docs/ACCOUNTING.md, "Budgets on PLD"). Refused events
 * change nothing.
 *
 * <p>Made by the static factories: {@link #inMemory} keeps the filter's running totals in this
 * object (on RDP each call costs O(number of orders), on PLD one FFT composition; neither
 * re-composes the history); {@link #journaled} records every spend in, and lets it be admitted by,
 * a durable {@link SpendJournal} (a ledger, whose genesis names its accountant), so that the budget
 * is shared by every writer of that journal. All are thread-safe: no interleaving of concurrent
 * {@link #trySpend} calls can admit two events that together overspend. The interface is sealed.
 */
public sealed interface PrivacyBudget permits InMemoryBudget, PldBudget, JournaledBudget {
  /** The length of a release id (a ledger entry's {@code releaseId}). */
  int RELEASE_ID_LENGTH = 16;

  /**
   * An in-memory budget of (ε, δ) on the default order grid.
   *
   * @param epsilon the budget's ε: finite and &gt; 0
   * @param delta the budget's δ, in [0, 1)
   * @return the budget, nothing spent
   */
  static PrivacyBudget inMemory(double epsilon, double delta) {
    return inMemory(epsilon, delta, OrderGrid.defaults());
  }

  /**
   * An in-memory budget of (ε, δ): ε finite and &gt; 0; δ in [0, 1). With δ = 0 only events with a
   * pure-DP bound can be admitted.
   *
   * @param epsilon the budget's ε
   * @param delta the budget's δ
   * @param grid the orders the accountant tracks
   * @return the budget, nothing spent
   */
  static PrivacyBudget inMemory(double epsilon, double delta, OrderGrid grid) {
    return new InMemoryBudget(new BudgetTerms(epsilon, delta, grid, null));
  }

  /**
   * An in-memory budget of (ε, δ) that protects {@code unit}: it admits only releases that claim to
   * protect that unit ({@link #charge}).
   *
   * @param epsilon the budget's ε
   * @param delta the budget's δ
   * @param grid the orders the accountant tracks
   * @param unit whom the budget protects
   * @return the budget, nothing spent
   */
  static PrivacyBudget inMemory(double epsilon, double delta, OrderGrid grid, PrivacyUnit unit) {
    Check.notNull("unit", unit);
    return new InMemoryBudget(new BudgetTerms(epsilon, delta, grid, unit));
  }

  /**
   * An in-memory budget of (ε, δ) on {@code accountant}, protecting {@code unit}.
   *
   * <p>Under {@link Accountant#PLD} it admits an event iff the pessimistic PLD of every admitted
   * event plus this one gives ε(δ) &le; ε (ε rounded up; {@code accounting.pld.PldTotal}). An event
   * with no PLD (a zCDP bound, a private selection) is refused before anything is charged, with an
   * {@link IllegalArgumentException} naming its kind and saying to use an RDP budget. The grid is
   * then only reported by {@link #grid()}.
   *
   * @param epsilon the budget's ε: finite and &gt; 0
   * @param delta the budget's δ, in [0, 1)
   * @param grid the orders the RDP accountant tracks
   * @param unit whom the budget protects (it then admits only releases that claim it), or null for
   *     a budget that declares no unit
   * @param accountant how events are composed
   * @return the budget, nothing spent
   */
  static PrivacyBudget inMemory(
      double epsilon, double delta, OrderGrid grid, PrivacyUnit unit, Accountant accountant) {
    BudgetTerms terms = new BudgetTerms(epsilon, delta, grid, unit, accountant);
    return accountant == Accountant.PLD ? new PldBudget(terms) : new InMemoryBudget(terms);
  }

  /**
   * A budget of (ε, δ) whose spends are recorded in, and admitted by, {@code journal} (a ledger): a
   * spend returns only once it is durable, and the journal refuses spends past the budget, counting
   * every other writer's spends too.
   *
   * @param epsilon the budget's ε
   * @param delta the budget's δ
   * @param grid the orders the accountant tracks
   * @param journal where spends are recorded and admitted; its unit is the budget's
   * @return the budget
   */
  static PrivacyBudget journaled(
      double epsilon, double delta, OrderGrid grid, SpendJournal journal) {
    Check.notNull("journal", journal);
    return new JournaledBudget(
        new BudgetTerms(epsilon, delta, grid, journal.unit().orElse(null), journal.accountant()),
        journal);
  }

  /**
   * How this budget composes the events it admits: {@link Accountant#RDP} for the factories without
   * an accountant; a journaled budget's is its journal's (a ledger's genesis).
   */
  Accountant accountant();

  /**
   * The privacy unit this budget protects, or empty when it declares none (claims are then not
   * checked).
   */
  Optional<PrivacyUnit> unit();

  /**
   * Refuses a claim this budget would refuse: call it while validating a release, before reading
   * any data. A budget with a declared unit admits only claims about that unit; one without admits
   * any claim, null included.
   *
   * @throws UnitMismatchException naming both units (public), when {@code claim} is null or about
   *     another unit on a budget with a declared unit
   */
  default void checkClaim(UnitClaim claim) {
    UnitMismatchException.check(unit().orElse(null), claim);
  }

  /** The budget's ε. */
  double epsilon();

  /** The budget's δ, at which {@link #spent()} is read. */
  double delta();

  /**
   * The orders the RDP accountant tracks the RDP curve at (a PLD budget reports the grid it was
   * given, which a ledger's entries record their RDP costs on).
   */
  OrderGrid grid();

  /**
   * Admits {@code event} if the budget allows it and returns true; otherwise changes nothing and
   * returns false.
   *
   * @throws UnitMismatchException if this budget declares a unit: its releases must claim it
   *     ({@link #charge}); nothing changes
   */
  boolean trySpend(PrivacyEvent event);

  /**
   * Admits {@code event} or throws {@link BudgetExhaustedException} with the spent and the
   * remaining budget in its message.
   */
  default void spend(PrivacyEvent event) {
    spend(event, "release", "");
  }

  /**
   * Admits {@code event} as {@link #spend(PrivacyEvent)} does, labelled for a ledger: {@code
   * mechanism} is recorded in clear, {@code description} only as a salted commitment. A budget
   * without a ledger ignores the labels.
   */
  default void spend(PrivacyEvent event, String mechanism, String description) {
    spend(event, mechanism, description, null);
  }

  /**
   * Admits {@code event} as {@link #spend(PrivacyEvent, String, String)} does, for the release
   * keyed by a secret whose {@code Secret#releaseId()} is {@code releaseId}. A release id is
   * admitted once: a second spend with it is refused, whatever its event, because its noise would
   * be the first release's noise. A ledger-backed budget records the id in the entry and refuses
   * ids any writer recorded before; a budget without a ledger remembers the ids it admitted.
   *
   * <p>The caller keys the release's noise by its secret bound to the returned id ({@code
   * Secret#boundTo}), so that the noise belongs to this one charge.
   *
   * @param releaseId 16 bytes, or null for a release whose noise is not keyed by a caller's secret
   * @return the id the spend is recorded under: {@code releaseId}, or the id of the entry that paid
   *     for it in advance (a journal of prepaid spends); null when {@code releaseId} is null
   * @throws BudgetExhaustedException if the budget cannot afford the event; nothing changes
   * @throws ReleaseIdReusedException if the id was admitted before; nothing changes
   * @throws UnitMismatchException if this budget declares a unit: its releases must claim it
   *     ({@link #charge}); nothing changes
   */
  default byte[] spend(PrivacyEvent event, String mechanism, String description, byte[] releaseId) {
    return charge(event, null, mechanism, description, releaseId).releaseId();
  }

  /**
   * Admits {@code event} as {@link #spend(PrivacyEvent, String, String, byte[])} does, for a
   * release that claims to protect {@code claim}'s unit; the claim is checked first ({@link
   * #checkClaim}), and a ledger records it in the entry.
   *
   * @param claim the unit the release protects; null only on a budget without a declared unit
   * @return what the spend was recorded as: the release id (as {@link #spend(PrivacyEvent, String,
   *     String, byte[])} returns it) and, for a ledger-backed budget, the entry
   * @throws UnitMismatchException if {@code claim} is not about this budget's unit; nothing changes
   * @throws BudgetExhaustedException if the budget cannot afford the event; nothing changes
   * @throws ReleaseIdReusedException if the id was admitted before; nothing changes
   */
  Charge charge(
      PrivacyEvent event, UnitClaim claim, String mechanism, String description, byte[] releaseId);

  /**
   * The (ε, δ) spent so far, read at this budget's δ under its {@link #accountant()} (under PLD the
   * guarantee's order is NaN).
   */
  PrivacyGuarantee spent();

  /**
   * ε still available at this budget's δ (the budget's ε minus the ε spent so far, rounded down).
   */
  default double remainingEpsilon() {
    return Math.max(0, Directed.subtractDown(epsilon(), spent().epsilon()));
  }
}
