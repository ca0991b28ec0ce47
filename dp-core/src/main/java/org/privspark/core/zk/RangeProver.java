package org.privspark.core.zk;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.function.Function;
import org.bouncycastle.math.ec.ECPoint;
import org.privspark.core.Check;

/**
 * Proves that a Pedersen commitment opens to a value in [0, 2^k) (see {@link RangeProof}).
 *
 * <p>The value v = Σ b_i·2^i is split into bits, each committed as C_i = b_i·G + r_i·H. The
 * blindings r_1..r_{k−1} are uniform and r_0 = r − Σ_{i&ge;1} 2^i·r_i mod n, so that Σ 2^i·C_i = C
 * holds exactly and the verifier can check it without any extra proof; r_0 is uniform too, so the
 * C_i reveal nothing about v. Each bit then gets a CDS OR-proof ({@link BitProof}), all under one
 * challenge from {@link RangeTranscript}.
 *
 * <p>Randomness comes only from the caller's {@link SecureRandom}. A nonce reused across two proofs
 * with different challenges would reveal r_i, so every nonce is fresh. Thread-safe (no state).
 */
public final class RangeProver {
  private RangeProver() {}

  /**
   * A proof that {@code opening} opens to a value below 2^bits, bound to {@code context}.
   *
   * @throws IllegalArgumentException if the value is not below 2^bits, or bits is not in [1, 64]
   */
  public static RangeProof prove(
      ProofContext context, PedersenOpening opening, int bits, SecureRandom random) {
    Check.notNull("context", context);
    Check.notNull("opening", opening);
    Check.notNull("random", random);
    RangeProof.checkBits(bits);
    BigInteger v = opening.value();
    if (v.bitLength() > bits) {
      throw new IllegalArgumentException(
          "value must be in [0, 2^" + bits + "); got a value of " + v.bitLength() + " bits");
    }
    BigInteger[] blindings = bitBlindings(opening.blinding(), bits, random);
    int[] b = new int[bits];
    for (int i = 0; i < bits; i++) {
      b[i] = v.testBit(i) ? 1 : 0;
    }
    return proveBits(context, opening.commitment().point(), b, blindings, random);
  }

  /** r_1..r_{k−1} uniform, r_0 fixed by Σ 2^i·r_i = r (mod n). */
  static BigInteger[] bitBlindings(BigInteger r, int bits, SecureRandom random) {
    BigInteger[] ri = new BigInteger[bits];
    BigInteger rest = r;
    for (int i = 1; i < bits; i++) {
      ri[i] = ScalarCodec.randomNonZero(random);
      rest = rest.subtract(ri[i].shiftLeft(i));
    }
    ri[0] = rest.mod(P256.N);
    return ri;
  }

  /**
   * The proof for given bits b_i ∈ {0, 1} and blindings r_i. Package-private so that tests can
   * build proofs whose bits do not add up to the commitment's value.
   */
  static RangeProof proveBits(
      ProofContext context, ECPoint commitment, int[] b, BigInteger[] r, SecureRandom random) {
    return proveBits(context, commitment, b, r, random, Generators::mulH);
  }

  /**
   * As above with the blinding generator given as {@code mulH}: only so that a test can play a
   * prover who picks its own H (whose discrete logarithm it may know) and show that the verifier,
   * which always uses {@link Generators#H}, rejects the proof.
   */
  static RangeProof proveBits(
      ProofContext context,
      ECPoint commitment,
      int[] b,
      BigInteger[] r,
      SecureRandom random,
      Function<BigInteger, ECPoint> mulH) {
    int k = b.length;
    ECPoint[] cs = new ECPoint[k];
    ECPoint[] a0 = new ECPoint[k];
    ECPoint[] a1 = new ECPoint[k];
    BigInteger[] nonce = new BigInteger[k];
    BigInteger[] simC = new BigInteger[k];
    BigInteger[] simZ = new BigInteger[k];
    for (int i = 0; i < k; i++) {
      if (b[i] != 0 && b[i] != 1) {
        throw new IllegalArgumentException("bit " + i + " must be 0 or 1; got " + b[i]);
      }
      ECPoint rH = mulH.apply(r[i]);
      cs[i] = (b[i] == 1 ? rH.add(Generators.G) : rH).normalize();
      // Real branch b: A_b = a·H. Simulated branch 1−b: pick c, z first, A = z·H − c·X.
      nonce[i] = ScalarCodec.randomNonZero(random);
      simC[i] = ScalarCodec.randomNonZero(random);
      simZ[i] = ScalarCodec.randomNonZero(random);
      ECPoint simX = b[i] == 0 ? cs[i].subtract(Generators.G) : cs[i];
      ECPoint real = mulH.apply(nonce[i]).normalize();
      ECPoint sim = mulH.apply(simZ[i]).subtract(simX.multiply(simC[i])).normalize();
      a0[i] = b[i] == 0 ? real : sim;
      a1[i] = b[i] == 0 ? sim : real;
    }
    BigInteger c = RangeTranscript.challenge(context, commitment, cs, a0, a1);
    BitProof[] proofs = new BitProof[k];
    for (int i = 0; i < k; i++) {
      BigInteger realC = c.subtract(simC[i]).mod(P256.N);
      BigInteger realZ = nonce[i].add(realC.multiply(r[i])).mod(P256.N);
      proofs[i] =
          b[i] == 0
              ? new BitProof(a0[i], a1[i], realC, realZ, simZ[i])
              : new BitProof(a0[i], a1[i], simC[i], simZ[i], realZ);
    }
    return new RangeProof(cs, proofs);
  }
}
