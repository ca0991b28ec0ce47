package org.privspark.core.zk;

import static org.privspark.core.zk.ZkVerificationException.Reason;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.List;
import org.bouncycastle.math.ec.ECPoint;
import org.privspark.core.Check;

/**
 * Verifies {@link RangeProof}s, one at a time or in a batch. Both return nothing and throw {@link
 * ZkVerificationException} on any failure. H is always {@link Generators#H}, derived locally.
 *
 * <p><b>One proof</b> ({@link #verify}): the bit commitments must add up, Σ 2^i·C_i = C, and for
 * every bit both OR-branch equations z_j·H = A_j + c_j·(C_i − j·G) must hold, with c_0 + c_1 = c,
 * the challenge recomputed from the transcript. A failure names the first failing bit.
 *
 * <p><b>A batch</b> ({@link #verifyBatch}): the same 2k + 1 equations per proof, each multiplied by
 * an independent random 128-bit weight from the verifier's own {@link SecureRandom}, are summed
 * into one equation Σ w·(lhs − rhs) = O and checked with one multi-scalar multiplication. If any
 * single equation fails, the sum is O with probability at most 2^−128 over the weights (the failing
 * equation's weight would have to hit one value), so accepting the batch is as good as accepting
 * each proof. A failed batch does not say which proof failed: verify them one at a time for that.
 */
public final class RangeVerifier {
  /** Bits per random batch weight: the soundness loss of batching is 2^−WEIGHT_BITS. */
  static final int WEIGHT_BITS = 128;

  private RangeVerifier() {}

  /** Decodes {@code proof} for exactly {@code bits} bits and verifies it. */
  public static void verify(
      ProofContext context, PedersenCommitment commitment, int bits, byte[] proof)
      throws ZkVerificationException {
    verify(context, commitment, bits, RangeProof.decode(proof, bits));
  }

  /** Verifies that {@code commitment} opens to a value below 2^bits, in {@code context}. */
  public static void verify(
      ProofContext context, PedersenCommitment commitment, int bits, RangeProof proof)
      throws ZkVerificationException {
    Check.notNull("context", context);
    Check.notNull("commitment", commitment);
    Check.notNull("proof", proof);
    checkBits(bits, proof);
    ECPoint c = commitment.point();
    ECPoint sum = weightedBitSum(proof);
    if (!sum.equals(c)) {
      throw new ZkVerificationException(
          Reason.BIT_SUM_MISMATCH, "Σ 2^i·C_i is " + hex(sum) + " but the commitment is " + hex(c));
    }
    BigInteger challenge = RangeTranscript.challenge(context, c, proof);
    for (int i = 0; i < bits; i++) {
      BitProof p = proof.bitProof(i);
      ECPoint ci = proof.bitCommitment(i);
      BigInteger c1 = challenge.subtract(p.c0()).mod(P256.N);
      boolean branch0 = Generators.mulH(p.z0()).equals(p.a0().add(ci.multiply(p.c0())));
      boolean branch1 =
          Generators.mulH(p.z1()).equals(p.a1().add(ci.subtract(Generators.G).multiply(c1)));
      if (!branch0 || !branch1) {
        throw new ZkVerificationException(
            Reason.BIT_PROOF_INVALID,
            "bit " + i + ": OR-branch " + (branch0 ? 1 : 0) + " equation does not hold");
      }
    }
  }

  /**
   * Verifies every statement at once (see the class comment). An empty list verifies trivially.
   *
   * @param random the verifier's own randomness for the weights; never the prover's
   */
  public static void verifyBatch(List<RangeStatement> statements, SecureRandom random)
      throws ZkVerificationException {
    Check.notNull("statements", statements);
    Check.notNull("random", random);
    int terms = 0;
    for (RangeStatement s : statements) {
      checkBits(s.bits(), s.proof());
      terms += 3 * s.bits() + 1;
    }
    ECPoint[] points = new ECPoint[terms];
    BigInteger[] scalars = new BigInteger[terms];
    BigInteger n = P256.N;
    BigInteger coefG = BigInteger.ZERO;
    BigInteger coefH = BigInteger.ZERO;
    int t = 0;
    for (RangeStatement s : statements) {
      RangeProof proof = s.proof();
      ECPoint c = s.commitment().point();
      BigInteger challenge = RangeTranscript.challenge(s.context(), c, proof);
      BigInteger sumWeight = weight(random);
      points[t] = c.negate();
      scalars[t++] = sumWeight;
      for (int i = 0; i < s.bits(); i++) {
        BitProof p = proof.bitProof(i);
        BigInteger c0 = p.c0();
        BigInteger c1 = challenge.subtract(c0).mod(n);
        BigInteger w0 = weight(random);
        BigInteger w1 = weight(random);
        // w0·(z0·H − A0 − c0·C_i) + w1·(z1·H − A1 − c1·C_i + c1·G), plus sumWeight·2^i·C_i.
        coefH = coefH.add(w0.multiply(p.z0())).add(w1.multiply(p.z1()));
        coefG = coefG.add(w1.multiply(c1));
        points[t] = p.a0().negate();
        scalars[t++] = w0;
        points[t] = p.a1().negate();
        scalars[t++] = w1;
        points[t] = proof.bitCommitment(i);
        scalars[t++] =
            sumWeight.shiftLeft(i).subtract(w0.multiply(c0)).subtract(w1.multiply(c1)).mod(n);
      }
      // Keep the accumulators small; reducing once per proof is enough.
      coefH = coefH.mod(n);
      coefG = coefG.mod(n);
    }
    ECPoint total =
        MultiScalarMul.sum(points, scalars, t)
            .add(Generators.mulG(coefG))
            .add(Generators.mulH(coefH));
    if (!total.isInfinity()) {
      throw new ZkVerificationException(
          Reason.BATCH_INVALID,
          "the random linear combination of "
              + statements.size()
              + " proofs' equations is not the identity; at least one is invalid");
    }
  }

  /** Σ 2^i·C_i by Horner's rule: k doublings and additions. */
  private static ECPoint weightedBitSum(RangeProof proof) {
    ECPoint sum = proof.bitCommitment(proof.bits() - 1);
    for (int i = proof.bits() - 2; i >= 0; i--) {
      sum = sum.twice().add(proof.bitCommitment(i));
    }
    return sum.normalize();
  }

  private static void checkBits(int bits, RangeProof proof) throws ZkVerificationException {
    RangeProof.checkBits(bits);
    if (proof.bits() != bits) {
      throw new ZkVerificationException(
          Reason.PROOF_LENGTH,
          "expected a proof for " + bits + " bits; got one for " + proof.bits());
    }
  }

  /** A uniform non-zero weight of {@value #WEIGHT_BITS} bits. */
  private static BigInteger weight(SecureRandom random) {
    BigInteger w;
    do {
      w = new BigInteger(WEIGHT_BITS, random);
    } while (w.signum() == 0);
    return w;
  }

  private static String hex(ECPoint p) {
    return p.isInfinity() ? "the identity" : java.util.HexFormat.of().formatHex(p.getEncoded(true));
  }
}
