package org.privspark.core.accounting;

import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import org.privspark.core.Check;

/**
 * The in-memory {@link PrivacyBudget} on the {@link Accountant#PLD} accountant: it admits an event
 * iff the PLD of everything admitted plus the event gives ε(δ) &le; ε at the budget's δ. It keeps
 * the running composition (a {@link RunningTotal}: {@code accounting.pld.PldTotal}, found through
 * {@link RunningTotal#empty}), so one spend is one FFT composition.
 *
 * <p>Thread safety as {@link InMemoryBudget}'s: the expensive part (the event's PLD and its
 * composition with the total) is computed outside the lock from the total seen at the start; the
 * check-and-install runs inside it, and starts again if another spend was admitted meanwhile. No
 * interleaving can admit two events that together overspend, because an event is installed only on
 * top of the very total it was checked against.
 */
final class PldBudget implements PrivacyBudget {
  private final BudgetTerms terms;

  /** Everything admitted; guarded by this. */
  private RunningTotal total;

  /** Release ids of the secret-keyed spends admitted so far; guarded by this. */
  private final Set<ByteBuffer> releaseIds = new HashSet<>();

  PldBudget(BudgetTerms terms) {
    this.terms = terms;
    this.total = RunningTotal.empty(Accountant.PLD);
  }

  @Override
  public Accountant accountant() {
    return Accountant.PLD;
  }

  @Override
  public Optional<PrivacyUnit> unit() {
    return Optional.ofNullable(terms.unit);
  }

  @Override
  public double epsilon() {
    return terms.epsilon;
  }

  @Override
  public double delta() {
    return terms.delta;
  }

  @Override
  public OrderGrid grid() {
    return terms.grid;
  }

  @Override
  public boolean trySpend(PrivacyEvent event) {
    checkClaim(null);
    return admit(event, null) == null;
  }

  @Override
  public Charge charge(
      PrivacyEvent event, UnitClaim claim, String mechanism, String description, byte[] releaseId) {
    byte[] id = terms.checkCharge(event, claim, mechanism, description, releaseId);
    BudgetExhaustedException refusal = admit(event, id == null ? null : ByteBuffer.wrap(id));
    if (refusal != null) {
      throw refusal;
    }
    return new Charge(id, null, 0, claim);
  }

  /** Returns null when admitted, otherwise the refusal (not thrown: trySpend only reports it). */
  private BudgetExhaustedException admit(PrivacyEvent event, ByteBuffer releaseId) {
    Check.notNull("event", event);
    while (true) {
      RunningTotal before;
      synchronized (this) {
        checkReleaseId(releaseId);
        before = total;
      }
      // The event's PLD and the composition are the expensive part: outside the lock. An event
      // without a PLD is refused here, before anything changes.
      RunningTotal after = before.plus(event);
      PrivacyGuarantee afterGuarantee = after.guarantee(terms.delta);
      synchronized (this) {
        if (total != before) {
          continue; // another spend was admitted meanwhile: check against the new total
        }
        checkReleaseId(releaseId);
        if (afterGuarantee.epsilon() <= terms.epsilon) {
          total = after;
          if (releaseId != null) {
            releaseIds.add(releaseId);
          }
          return null;
        }
        return new BudgetExhaustedException(
            terms.epsilon,
            terms.delta,
            total.guarantee(terms.delta).epsilon(),
            afterGuarantee.epsilon(),
            " (PLD accountant)");
      }
    }
  }

  private void checkReleaseId(ByteBuffer releaseId) {
    if (releaseId != null && releaseIds.contains(releaseId)) {
      throw new ReleaseIdReusedException(releaseId.array(), "this budget");
    }
  }

  @Override
  public synchronized PrivacyGuarantee spent() {
    return total.guarantee(terms.delta);
  }

  @Override
  public synchronized double remainingEpsilon() {
    return PrivacyBudget.super.remainingEpsilon();
  }

  @Override
  public synchronized String toString() {
    return terms.describe(spent());
  }
}
