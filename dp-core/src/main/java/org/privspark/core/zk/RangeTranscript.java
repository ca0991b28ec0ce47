package org.privspark.core.zk;

import java.math.BigInteger;
import org.bouncycastle.math.ec.ECPoint;

/**
 * The Fiat–Shamir challenge of a range proof, computed the same way by prover and verifier.
 *
 * <p>It absorbs, in this order: the protocol {@value #PROTOCOL} version {@value #VERSION}; the
 * group name and both generators (so a proof is tied to this G and H); the number of bits k; every
 * field of the {@link ProofContext}; the commitment C; then, for each bit, C_i, A_{i,0} and
 * A_{i,1}. Everything the verification equations use, except the prover's responses (c_{i,0},
 * z_{i,0}, z_{i,1}, which are computed from the challenge), is absorbed before the challenge is
 * drawn: this is the defence against "Frozen Heart" forgeries (see {@link Transcript}).
 */
final class RangeTranscript {
  static final String PROTOCOL = "privspark/range-proof/cds-bits";
  static final int VERSION = 1;

  private RangeTranscript() {}

  static BigInteger challenge(
      ProofContext context,
      ECPoint commitment,
      ECPoint[] bitCommitments,
      ECPoint[] a0,
      ECPoint[] a1) {
    Transcript t = new Transcript(PROTOCOL, VERSION);
    t.absorb("group", "P-256".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    t.absorbPoint("generator-g", Generators.G);
    t.absorbPoint("generator-h", Generators.H);
    t.absorbLong("bits", bitCommitments.length);
    context.absorbInto(t);
    t.absorbPoint("commitment", commitment);
    for (int i = 0; i < bitCommitments.length; i++) {
      t.absorbPoint("bit-commitment", bitCommitments[i]);
      t.absorbPoint("or-nonce-0", a0[i]);
      t.absorbPoint("or-nonce-1", a1[i]);
    }
    return t.challengeScalar("challenge");
  }

  static BigInteger challenge(ProofContext context, ECPoint commitment, RangeProof proof) {
    int k = proof.bits();
    ECPoint[] cs = new ECPoint[k];
    ECPoint[] a0 = new ECPoint[k];
    ECPoint[] a1 = new ECPoint[k];
    for (int i = 0; i < k; i++) {
      cs[i] = proof.bitCommitment(i);
      a0[i] = proof.bitProof(i).a0();
      a1[i] = proof.bitProof(i).a1();
    }
    return challenge(context, commitment, cs, a0, a1);
  }
}
