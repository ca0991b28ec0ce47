package org.privspark.core.accounting;

import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import org.privspark.core.Check;

/**
 * The in-memory {@link PrivacyBudget} on the {@link Accountant#RDP} accountant: an RDP accountant's
 * running totals, and the release ids admitted so far, both guarded by this object's lock ({@link
 * PldBudget} is the one on PLD).
 */
final class InMemoryBudget implements PrivacyBudget {
  private final BudgetTerms terms;
  private final RdpAccountant accountant;

  /** Release ids of the secret-keyed spends admitted so far; guarded by this. */
  private final Set<ByteBuffer> releaseIds = new HashSet<>();

  InMemoryBudget(BudgetTerms terms) {
    this.terms = terms;
    this.accountant = new RdpAccountant(terms.grid);
  }

  @Override
  public Accountant accountant() {
    return Accountant.RDP;
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
    return accountant.grid();
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
    // The event's curve is computed outside the lock: it can be the expensive part.
    RdpCurve eventCurve = event.curve(accountant.grid());
    double eventDelta = event.additiveDelta();
    double eventPure = event.pureEpsilon();
    double epsilon = terms.epsilon;
    double delta = terms.delta;
    synchronized (this) {
      if (releaseId != null && releaseIds.contains(releaseId)) {
        throw new ReleaseIdReusedException(releaseId.array(), "this budget");
      }
      RdpCurve newCurve = accountant.curve().plus(eventCurve);
      double newDelta = RdpCurve.addRoundingUp(accountant.additiveDelta(), eventDelta);
      double newPure = RdpCurve.addRoundingUp(accountant.pureEpsilon(), eventPure);
      PrivacyGuarantee after = RdpConversion.epsilon(newCurve, newDelta, newPure, delta);
      if (after.epsilon() <= epsilon && newDelta <= delta) {
        accountant.compose(eventCurve, eventDelta, eventPure);
        if (releaseId != null) {
          releaseIds.add(releaseId);
        }
        return null;
      }
      PrivacyGuarantee now = accountant.epsilon(delta);
      return new BudgetExhaustedException(
          epsilon,
          delta,
          now.epsilon(),
          after.epsilon(),
          newDelta > delta ? " and its additive delta to " + newDelta : "");
    }
  }

  @Override
  public synchronized PrivacyGuarantee spent() {
    return accountant.epsilon(terms.delta);
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
