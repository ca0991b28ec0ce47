package org.privspark.core.accounting.pld;

/**
 * Thrown by {@link PrivacyLossDistribution#of} for an event that has no privacy loss distribution
 * here (a zCDP event, a private-selection event): such an event can only be charged to an RDP
 * budget. Callers catch it before anything is charged.
 */
public final class UnsupportedPldException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  /** The refused event's kind (its class's simple name). */
  private final String eventKind;

  /**
   * @param eventKind the event's kind (its class's simple name)
   */
  public UnsupportedPldException(String eventKind) {
    super(
        "event "
            + eventKind
            + " has no privacy loss distribution; use an RDP accountant (--accountant rdp)");
    this.eventKind = eventKind;
  }

  /**
   * The kind of event that was refused.
   *
   * @return its class's simple name
   */
  public String eventKind() {
    return eventKind;
  }
}
