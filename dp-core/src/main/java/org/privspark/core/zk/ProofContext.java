package org.privspark.core.zk;

import java.util.Arrays;
import java.util.HexFormat;
import org.privspark.core.Check;

/**
 * Where a proof belongs: the ledger entry and RDP order whose committed cost it is about. Every
 * field is absorbed into the Fiat–Shamir transcript, so a proof made for one ledger, checkpoint,
 * entry or order does not verify for any other (no replay across contexts).
 *
 * @param ledgerOrigin the ledger's origin line (its checkpoint key name)
 * @param checkpointSize the tree size of the checkpoint the entry is proven under, &ge; 1
 * @param checkpointRoot that checkpoint's 32-byte root hash
 * @param entryIndex the entry's leaf index, in [0, checkpointSize)
 * @param rdpOrder the RDP order α the committed cost is for: finite and &gt; 1
 */
public record ProofContext(
    String ledgerOrigin,
    long checkpointSize,
    byte[] checkpointRoot,
    long entryIndex,
    double rdpOrder) {
  /** Length of a checkpoint root hash (SHA-256). */
  public static final int ROOT_LENGTH = 32;

  public ProofContext {
    Check.notNull("ledgerOrigin", ledgerOrigin);
    if (ledgerOrigin.isEmpty()) {
      throw new IllegalArgumentException("ledgerOrigin must be non-empty; got \"\"");
    }
    Check.atLeastOne("checkpointSize", checkpointSize);
    Check.notNull("checkpointRoot", checkpointRoot);
    if (checkpointRoot.length != ROOT_LENGTH) {
      throw new IllegalArgumentException(
          "checkpointRoot must be " + ROOT_LENGTH + " bytes; got " + checkpointRoot.length);
    }
    checkpointRoot = checkpointRoot.clone();
    if (entryIndex < 0 || entryIndex >= checkpointSize) {
      throw new IllegalArgumentException(
          "entryIndex must be in [0, " + checkpointSize + "); got " + entryIndex);
    }
    if (!(rdpOrder > 1) || !Double.isFinite(rdpOrder)) {
      throw new IllegalArgumentException("rdpOrder must be finite and > 1; got " + rdpOrder);
    }
  }

  @Override
  public byte[] checkpointRoot() {
    return checkpointRoot.clone();
  }

  /** Absorbs every field, each under its own label. The order is the IEEE 754 bit pattern. */
  void absorbInto(Transcript t) {
    t.absorb("ledger-origin", ledgerOrigin.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    t.absorbLong("checkpoint-size", checkpointSize);
    t.absorb("checkpoint-root", checkpointRoot);
    t.absorbLong("entry-index", entryIndex);
    t.absorbLong("rdp-order", Double.doubleToLongBits(rdpOrder));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ProofContext c
        && ledgerOrigin.equals(c.ledgerOrigin)
        && checkpointSize == c.checkpointSize
        && Arrays.equals(checkpointRoot, c.checkpointRoot)
        && entryIndex == c.entryIndex
        && Double.compare(rdpOrder, c.rdpOrder) == 0;
  }

  @Override
  public int hashCode() {
    return 31 * ledgerOrigin.hashCode()
        + Arrays.hashCode(checkpointRoot)
        + Long.hashCode(entryIndex);
  }

  @Override
  public String toString() {
    return "ProofContext[origin="
        + ledgerOrigin
        + ", checkpoint="
        + checkpointSize
        + "/"
        + HexFormat.of().formatHex(checkpointRoot)
        + ", entry="
        + entryIndex
        + ", order="
        + rdpOrder
        + "]";
  }
}
