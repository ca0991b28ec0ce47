package org.privspark.core.accounting;

import java.util.HexFormat;

/**
 * Thrown when a spend names a release id that this budget (or its ledger) has already charged: a
 * release secret may key exactly one release, because two releases with the same noise on
 * neighbouring data would reveal the exact difference (see {@code Secret#releaseId()} in the noise
 * package). Nothing is charged. The id is public (a ledger records it in clear).
 */
public final class ReleaseIdReusedException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final String releaseId;

  /**
   * @param releaseId the repeated id; {@code where} says which budget or ledger holds it already
   */
  public ReleaseIdReusedException(byte[] releaseId, String where) {
    super(
        "releaseSecret has already keyed release "
            + HexFormat.of().formatHex(releaseId)
            + " of "
            + where
            + ": a release secret keys exactly one release, or a second release on changed data"
            + " would carry the same noise; nothing was charged (use a new secret)");
    this.releaseId = HexFormat.of().formatHex(releaseId);
  }

  /** The repeated release id, in lower-case hex. */
  public String releaseId() {
    return releaseId;
  }
}
