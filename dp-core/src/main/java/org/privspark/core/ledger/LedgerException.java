package org.privspark.core.ledger;

/**
 * A ledger that cannot be trusted or read, with the {@link Reason} and, where one is to blame, the
 * index of the first failing leaf (0 is ledger.json, n is entry n; −1 when no single leaf is).
 */
public final class LedgerException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final Reason reason;
  private final long index;

  public LedgerException(Reason reason, long index, String message) {
    super(reason + (index >= 0 ? " at entry " + index : "") + ": " + message);
    this.reason = reason;
    this.index = index;
  }

  public LedgerException(Reason reason, long index, String message, Throwable cause) {
    this(reason, index, message);
    initCause(cause);
  }

  public Reason reason() {
    return reason;
  }

  /** The first failing leaf, or −1. */
  public long index() {
    return index;
  }
}
