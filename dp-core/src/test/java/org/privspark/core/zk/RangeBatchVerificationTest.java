package org.privspark.core.zk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.privspark.core.zk.ZkFixtures.CONTEXT;
import static org.privspark.core.zk.ZkFixtures.RANDOM;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.math.ec.ECPoint;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.privspark.core.zk.ZkVerificationException.Reason;

/**
 * Batch verification accepts exactly what one-by-one verification accepts: honest batches pass, and
 * one bad proof among 100 sinks the batch. The weights are 128-bit, so a bad batch passes with
 * probability at most 2^−128 per run: these tests have no practical false-failure probability.
 */
class RangeBatchVerificationTest {
  private static final int SIZE = 100;
  private static final List<RangeStatement> HONEST = new ArrayList<>();

  @BeforeAll
  static void prove() {
    for (int i = 0; i < SIZE; i++) {
      int bits = i % 4 == 0 ? 64 : 48; // mixed k in one batch
      long value = i % 4 == 0 ? Long.MAX_VALUE - i : (1L << 47) + i * 1_000_003L;
      HONEST.add(ZkFixtures.honest(value, bits).statement(bits));
    }
  }

  private static Reason batch(List<RangeStatement> statements) {
    try {
      RangeVerifier.verifyBatch(statements, RANDOM);
      return null;
    } catch (ZkVerificationException e) {
      return e.reason();
    }
  }

  private static List<RangeStatement> withReplaced(int index, RangeStatement bad) {
    List<RangeStatement> out = new ArrayList<>(HONEST);
    out.set(index, bad);
    return out;
  }

  @Test
  void verifyBatch_100HonestProofs_accepts() throws ZkVerificationException {
    RangeVerifier.verifyBatch(HONEST, RANDOM);
    for (RangeStatement s : HONEST.subList(0, 5)) {
      RangeVerifier.verify(s.context(), s.commitment(), s.bits(), s.proof());
    }
  }

  @Test
  void verifyBatch_emptyOrSingle_behavesLikeSingleVerification() throws ZkVerificationException {
    RangeVerifier.verifyBatch(List.of(), RANDOM);
    RangeVerifier.verifyBatch(List.of(HONEST.get(1)), RANDOM);
  }

  @Test
  void verifyBatch_oneResponseChangedAmong100_rejected() {
    RangeStatement s = HONEST.get(57);
    ECPoint[] cs = s.proof().bitCommitments().toArray(new ECPoint[0]);
    BitProof[] bp = new BitProof[s.bits()];
    for (int i = 0; i < bp.length; i++) {
      bp[i] = s.proof().bitProof(i);
    }
    BitProof p = bp[20];
    bp[20] = new BitProof(p.a0(), p.a1(), p.c0(), p.z0(), p.z1().add(BigInteger.ONE).mod(P256.N));
    RangeStatement bad =
        new RangeStatement(s.context(), s.commitment(), s.bits(), new RangeProof(cs, bp));
    assertThat(batch(withReplaced(57, bad))).isEqualTo(Reason.BATCH_INVALID);
  }

  @Test
  void verifyBatch_oneProofUnderOtherContextAmong100_rejected() {
    RangeStatement s = HONEST.get(3);
    ProofContext other = new ProofContext(CONTEXT.ledgerOrigin(), 43, ZkFixtures.ROOT, 41, 8.0);
    assertThat(
            batch(withReplaced(3, new RangeStatement(other, s.commitment(), s.bits(), s.proof()))))
        .isEqualTo(Reason.BATCH_INVALID);
  }

  @Test
  void verifyBatch_oneCommitmentSwappedAmong100_rejected() {
    RangeStatement s = HONEST.get(10);
    RangeStatement t = HONEST.get(11);
    assertThat(
            batch(
                withReplaced(
                    10, new RangeStatement(s.context(), t.commitment(), s.bits(), s.proof()))))
        .isEqualTo(Reason.BATCH_INVALID);
  }

  @Test
  void verifyBatch_bitSumBrokenOnlyInOneProof_rejected() {
    // A proof of the low bits of v + 2^48 against C(v + 2^48): only the sum equation fails.
    PedersenOpening o =
        PedersenOpening.random(BigInteger.ONE.shiftLeft(48).add(BigInteger.TEN), RANDOM);
    BigInteger[] bitValues = new BigInteger[48];
    for (int i = 0; i < 48; i++) {
      bitValues[i] = o.value().testBit(i) ? BigInteger.ONE : BigInteger.ZERO;
    }
    RangeProof proof =
        ZkFixtures.cheat(
            CONTEXT,
            o.commitment().point(),
            bitValues,
            RangeProver.bitBlindings(o.blinding(), 48, RANDOM));
    assertThat(batch(withReplaced(99, new RangeStatement(CONTEXT, o.commitment(), 48, proof))))
        .isEqualTo(Reason.BATCH_INVALID);
  }

  @Test
  void verifyBatch_declaredBitsDifferFromProof_rejectedByLength() {
    RangeStatement s = HONEST.get(1); // a 48-bit proof
    assertThat(
            batch(withReplaced(1, new RangeStatement(s.context(), s.commitment(), 64, s.proof()))))
        .isEqualTo(Reason.PROOF_LENGTH);
  }
}
