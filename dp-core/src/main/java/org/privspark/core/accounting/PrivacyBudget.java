package org.privspark.core.accounting;

import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.privspark.core.Check;

/**
 * A privacy filter: a fixed (ε, δ) budget that admits an event only if the composition of
 * everything admitted so far plus that event still satisfies (ε, δ)-DP, as certified by the RDP
 * accountant. Refused events change nothing.
 *
 * <p>Each call costs O(number of orders): the filter keeps running totals and never re-composes the
 * history. Thread-safe: concurrent {@link #trySpend} calls are serialised, so no interleaving can
 * admit two events that together overspend.
 */
public final class PrivacyBudget {
  /** The length of a release id (a ledger entry's {@code releaseId}). */
  public static final int RELEASE_ID_LENGTH = 16;
  private final double epsilon;
  private final double delta;
  private final RdpAccountant accountant;
  /** When set, spends go to this durable journal, which enforces the budget itself. */
  private final SpendJournal journal;
  /** Whom the budget protects; null when undeclared (then claims are not checked). */
  private final PrivacyUnit unit;
  /** Release ids of the secret-keyed spends admitted so far (without a journal); guarded by this. */
  private final Set<ByteBuffer> releaseIds = new HashSet<>();

  /** A budget on the default order grid. */
  public PrivacyBudget(double epsilon, double delta) {
    this(epsilon, delta, OrderGrid.defaults());
  }

  /**
   * A budget of (ε, δ): ε finite and &gt; 0; δ in [0, 1). With δ = 0 only events with a pure-DP
   * bound can be admitted.
   */
  public PrivacyBudget(double epsilon, double delta, OrderGrid grid) {
    this(epsilon, delta, grid, null, null);
  }

  /**
   * A budget of (ε, δ) that protects {@code unit}: it admits only releases that claim to protect
   * that unit ({@link #charge}).
   */
  public PrivacyBudget(double epsilon, double delta, OrderGrid grid, PrivacyUnit unit) {
    this(epsilon, delta, grid, null, Check.notNull("unit", unit));
  }

  private PrivacyBudget(double epsilon, double delta, OrderGrid grid, SpendJournal journal, PrivacyUnit unit) {
    this.epsilon = Check.positiveFinite("epsilon", epsilon);
    this.delta = Check.inHalfOpen("delta", delta, 0.0, 1.0);
    this.accountant = new RdpAccountant(Check.notNull("grid", grid));
    this.journal = journal;
    this.unit = unit;
  }

  /** An in-memory budget of (ε, δ) on the default order grid. */
  public static PrivacyBudget inMemory(double epsilon, double delta) {
    return new PrivacyBudget(epsilon, delta);
  }

  /**
   * An in-memory budget of (ε, δ): ε finite and &gt; 0; δ in [0, 1). With δ = 0 only events with
   * a pure-DP bound can be admitted.
   */
  public static PrivacyBudget inMemory(double epsilon, double delta, OrderGrid grid) {
    return new PrivacyBudget(epsilon, delta, grid);
  }

  /**
   * An in-memory budget of (ε, δ) that protects {@code unit}: it admits only releases that claim
   * to protect that unit ({@link #charge}).
   */
  public static PrivacyBudget inMemory(double epsilon, double delta, OrderGrid grid, PrivacyUnit unit) {
    return new PrivacyBudget(epsilon, delta, grid, unit);
  }

  /**
   * A budget of (ε, δ) whose spends are recorded in, and admitted by, {@code journal} (a ledger):
   * a spend returns only once it is durable, and the journal refuses spends past the budget,
   * counting every other writer's spends too.
   */
  public static PrivacyBudget journaled(double epsilon, double delta, OrderGrid grid, SpendJournal journal) {
    Check.notNull("journal", journal);
    return new PrivacyBudget(epsilon, delta, grid, journal, journal.unit().orElse(null));
  }

  /** The privacy unit this budget protects, or empty when it declares none (claims are then not checked). */
  public Optional<PrivacyUnit> unit() {
    return Optional.ofNullable(unit);
  }

  /**
   * Refuses a claim this budget would refuse: call it while validating a release, before reading
   * any data. A budget with a declared unit admits only claims about that unit; one without admits
   * any claim, null included.
   *
   * @throws UnitMismatchException naming both units (public), when {@code claim} is null or about
   *     another unit on a budget with a declared unit
   */
  public void checkClaim(UnitClaim claim) {
    UnitMismatchException.check(unit, claim);
  }

  public double epsilon() {
    return epsilon;
  }

  public double delta() {
    return delta;
  }

  public OrderGrid grid() {
    return accountant.grid();
  }

  /**
   * Admits {@code event} if the budget allows it and returns true; otherwise changes nothing and
   * returns false.
   *
   * @throws UnitMismatchException if this budget declares a unit: its releases must claim it
   *     ({@link #charge}); nothing changes
   */
  public boolean trySpend(PrivacyEvent event) {
    checkClaim(null);
    if (journal != null) {
      try {
        journal.record(event, null, "release", "", null);
        return true;
      } catch (BudgetExhaustedException e) {
        return false;
      }
    }
    return admit(event, null) == null;
  }

  /**
   * Admits {@code event} or throws {@link BudgetExhaustedException} with the spent and the
   * remaining budget in its message.
   */
  public void spend(PrivacyEvent event) {
    spend(event, "release", "");
  }

  /**
   * Admits {@code event} as {@link #spend(PrivacyEvent)} does, labelled for a ledger: {@code
   * mechanism} is recorded in clear, {@code description} only as a salted commitment. A budget
   * without a ledger ignores the labels.
   */
  public void spend(PrivacyEvent event, String mechanism, String description) {
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
  public byte[] spend(PrivacyEvent event, String mechanism, String description, byte[] releaseId) {
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
  public Charge charge(PrivacyEvent event, UnitClaim claim, String mechanism, String description, byte[] releaseId) {
    Check.notNull("event", event);
    Check.notNull("mechanism", mechanism);
    Check.notNull("description", description);
    if (releaseId != null && releaseId.length != RELEASE_ID_LENGTH) {
      throw new IllegalArgumentException(
          "releaseId must be " + RELEASE_ID_LENGTH + " bytes long; got " + releaseId.length);
    }
    checkClaim(claim);
    if (journal != null) {
      return journal.record(event, claim, mechanism, description, releaseId == null ? null : releaseId.clone());
    }
    BudgetExhaustedException refusal = admit(event, releaseId == null ? null : ByteBuffer.wrap(releaseId.clone()));
    if (refusal != null) {
      throw refusal;
    }
    return new Charge(releaseId, null, 0, claim);
  }

  /** Returns null when admitted, otherwise the refusal (not thrown: trySpend only reports it). */
  private BudgetExhaustedException admit(PrivacyEvent event, ByteBuffer releaseId) {
    Check.notNull("event", event);
    // The event's curve is computed outside the lock: it can be the expensive part.
    RdpCurve eventCurve = event.curve(accountant.grid());
    double eventDelta = event.additiveDelta();
    double eventPure = event.pureEpsilon();
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
      return new BudgetExhaustedException(epsilon, delta, now.epsilon(), after.epsilon(),
          newDelta > delta ? " and its additive delta to " + newDelta : "");
    }
  }

  /** The (ε, δ) spent so far, read at this budget's δ. */
  public synchronized PrivacyGuarantee spent() {
    return journal != null ? journal.spent() : accountant.epsilon(delta);
  }

  /** ε still available at this budget's δ (the budget's ε minus the ε spent so far, rounded down). */
  public synchronized double remainingEpsilon() {
    return Math.max(0, Directed.subtractDown(epsilon, spent().epsilon()));
  }

  @Override
  public synchronized String toString() {
    return String.format(Locale.ROOT, "PrivacyBudget[epsilon=%s, delta=%s, spent epsilon=%.6g]",
        epsilon, delta, spent().epsilon());
  }
}
