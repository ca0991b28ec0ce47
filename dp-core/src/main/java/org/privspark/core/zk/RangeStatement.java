package org.privspark.core.zk;

import org.privspark.core.Check;

/**
 * One range claim for batch verification: "{@code commitment} opens to a value below 2^bits", in
 * {@code context}, with its proof.
 *
 * @param context the ledger context the proof must be bound to
 * @param commitment the commitment C
 * @param bits k, fixed by the verifier (not taken from the proof)
 * @param proof the decoded proof; {@link RangeVerifier} refuses it if it is not for k bits
 */
public record RangeStatement(
    ProofContext context, PedersenCommitment commitment, int bits, RangeProof proof) {
  public RangeStatement {
    Check.notNull("context", context);
    Check.notNull("commitment", commitment);
    RangeProof.checkBits(bits);
    Check.notNull("proof", proof);
  }
}
