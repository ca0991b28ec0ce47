package org.privspark.core.ledger;

import java.util.Arrays;
import org.privspark.core.Check;
import org.privspark.core.zk.PedersenCommitment;

/**
 * A confidential entry's cost as the ledger shows it (entry format version 2): one Pedersen
 * commitment per order of the ledger's grid to the fixed-point RDP cost ⌈r(α)·2^40⌉, and the
 * additive δ in clear. The openings (the event and the blindings) are in the holder's {@link
 * CostOpening}.
 *
 * @param commitments C(α_i) = v_i·G + r_i·H, one per order, in grid order
 * @param delta the entry's additive δ (public: see docs/THREAT-MODEL.md)
 */
public record ConfidentialCost(PedersenCommitment[] commitments, double delta) {
  public ConfidentialCost {
    Check.notNull("commitments", commitments);
    commitments = commitments.clone();
    for (PedersenCommitment c : commitments) {
      Check.notNull("commitments[]", c);
    }
    Check.inClosed("delta", delta, 0.0, 1.0);
  }

  @Override
  public PedersenCommitment[] commitments() {
    return commitments.clone();
  }

  /** The commitment at order index {@code i}. */
  public PedersenCommitment at(int i) {
    return commitments[i];
  }

  public int orders() {
    return commitments.length;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ConfidentialCost c
        && Arrays.equals(commitments, c.commitments)
        && Double.doubleToLongBits(delta) == Double.doubleToLongBits(c.delta);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(commitments) * 31 + Double.hashCode(delta);
  }

  @Override
  public String toString() {
    return "ConfidentialCost[" + commitments.length + " commitments, delta=" + delta + "]";
  }
}
