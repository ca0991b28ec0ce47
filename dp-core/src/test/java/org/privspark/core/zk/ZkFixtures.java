package org.privspark.core.zk;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.Arrays;
import org.bouncycastle.math.ec.ECPoint;

/** Contexts, honest proofs, and a cheating prover that may commit to bits other than 0 and 1. */
final class ZkFixtures {
  static final SecureRandom RANDOM = new SecureRandom();
  static final byte[] ROOT = filled((byte) 0x5a);
  static final ProofContext CONTEXT =
      new ProofContext("privspark.example/ledger-a", 43, ROOT, 42, 8.0);

  private ZkFixtures() {}

  static byte[] filled(byte b) {
    byte[] root = new byte[ProofContext.ROOT_LENGTH];
    Arrays.fill(root, b);
    return root;
  }

  /** An opening of {@code value}, its proof for {@code bits} bits, under {@link #CONTEXT}. */
  record Honest(PedersenOpening opening, RangeProof proof) {
    PedersenCommitment commitment() {
      return opening.commitment();
    }

    RangeStatement statement(int bits) {
      return new RangeStatement(CONTEXT, commitment(), bits, proof);
    }
  }

  static Honest honest(long value, int bits) {
    PedersenOpening o = PedersenOpening.random(value, RANDOM);
    return new Honest(o, RangeProver.prove(CONTEXT, o, bits, RANDOM));
  }

  /**
   * A proof whose bit commitments open to {@code bitValues} (any scalars) with blindings {@code r}.
   * Binary bits get honest OR-proofs; every other bit has both branches simulated, which is all a
   * prover without a discrete logarithm can do.
   */
  static RangeProof cheat(
      ProofContext context, ECPoint commitment, BigInteger[] bitValues, BigInteger[] r) {
    int k = bitValues.length;
    ECPoint[] cs = new ECPoint[k];
    ECPoint[] a0 = new ECPoint[k];
    ECPoint[] a1 = new ECPoint[k];
    BigInteger[] nonce = new BigInteger[k];
    BigInteger[][] sim = new BigInteger[k][];
    for (int i = 0; i < k; i++) {
      BigInteger b = bitValues[i];
      cs[i] = Generators.mulG(b).add(Generators.mulH(r[i])).normalize();
      BigInteger c0 = ScalarCodec.randomNonZero(RANDOM);
      BigInteger z0 = ScalarCodec.randomNonZero(RANDOM);
      BigInteger c1 = ScalarCodec.randomNonZero(RANDOM);
      BigInteger z1 = ScalarCodec.randomNonZero(RANDOM);
      nonce[i] = ScalarCodec.randomNonZero(RANDOM);
      ECPoint sim0 = Generators.mulH(z0).subtract(cs[i].multiply(c0)).normalize();
      ECPoint sim1 =
          Generators.mulH(z1).subtract(cs[i].subtract(Generators.G).multiply(c1)).normalize();
      ECPoint real = Generators.mulH(nonce[i]).normalize();
      sim[i] = new BigInteger[] {c0, z0, c1, z1};
      a0[i] = b.equals(BigInteger.ZERO) ? real : sim0;
      a1[i] = b.equals(BigInteger.ONE) ? real : sim1;
    }
    BigInteger c = RangeTranscript.challenge(context, commitment, cs, a0, a1);
    BitProof[] proofs = new BitProof[k];
    BigInteger n = P256.N;
    for (int i = 0; i < k; i++) {
      BigInteger[] s = sim[i];
      if (bitValues[i].equals(BigInteger.ZERO)) {
        BigInteger c0 = c.subtract(s[2]).mod(n);
        proofs[i] = new BitProof(a0[i], a1[i], c0, nonce[i].add(c0.multiply(r[i])).mod(n), s[3]);
      } else if (bitValues[i].equals(BigInteger.ONE)) {
        BigInteger c1 = c.subtract(s[0]).mod(n);
        proofs[i] = new BitProof(a0[i], a1[i], s[0], s[1], nonce[i].add(c1.multiply(r[i])).mod(n));
      } else {
        proofs[i] = new BitProof(a0[i], a1[i], s[0], s[1], s[3]); // c1 = c − c0 ≠ s[2]
      }
    }
    return new RangeProof(cs, proofs);
  }
}
