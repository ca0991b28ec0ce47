package org.privspark.core.zk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.privspark.core.zk.ZkFixtures.CONTEXT;
import static org.privspark.core.zk.ZkFixtures.RANDOM;
import static org.privspark.core.zk.ZkFixtures.ROOT;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.bouncycastle.math.ec.ECPoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.privspark.core.zk.ZkFixtures.Honest;
import org.privspark.core.zk.ZkVerificationException.Reason;

/** Completeness of single-proof verification, strict encoding, and every soundness probe. */
class RangeProofTest {

  private static Reason reasonOf(ThrowingCheck check) {
    try {
      check.run();
    } catch (ZkVerificationException e) {
      return e.reason();
    }
    return null;
  }

  private interface ThrowingCheck {
    void run() throws ZkVerificationException;
  }

  private static void rejects(ThrowingCheck check, Reason reason) {
    assertThat(reasonOf(check)).isEqualTo(reason);
  }

  // --- completeness -------------------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(ints = {48, 64})
  void verify_honestProofsAtEdgeValues_accept(int bits) throws ZkVerificationException {
    BigInteger top = BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE);
    for (BigInteger v :
        new BigInteger[] {
          BigInteger.ZERO,
          BigInteger.ONE,
          BigInteger.valueOf(1000),
          BigInteger.ONE.shiftLeft(bits - 1),
          top
        }) {
      PedersenOpening o = PedersenOpening.random(v, RANDOM);
      RangeProof proof = RangeProver.prove(CONTEXT, o, bits, RANDOM);
      byte[] bytes = proof.encode();
      assertThat(bytes).hasSize(RangeProof.length(bits));
      RangeVerifier.verify(CONTEXT, o.commitment(), bits, bytes);
      assertThat(RangeProof.decode(bytes, bits).encode()).isEqualTo(bytes);
    }
  }

  /**
   * A prover that picks its own blinding generator H' = x·G knows log_G H' and so could open a
   * commitment to any value; its proof is honest with respect to H'. The verifier derives H itself
   * (no proof or statement carries a generator) and must reject it. The same construction with the
   * real H verifies, so the rejection is due to H' alone.
   */
  @Test
  void proofUnderAProverChosenH_isRejected() throws ZkVerificationException {
    int bits = 48;
    long v = 123_456_789L;
    int[] b = new int[bits];
    for (int i = 0; i < bits; i++) {
      b[i] = (int) (v >>> i & 1);
    }
    BigInteger r = ScalarCodec.randomNonZero(RANDOM);
    ECPoint hPrime = Generators.G.multiply(ScalarCodec.randomNonZero(RANDOM)).normalize();
    ECPoint forgedCommitment =
        Generators.G.multiply(BigInteger.valueOf(v)).add(hPrime.multiply(r)).normalize();
    RangeProof forged =
        RangeProver.proveBits(
            CONTEXT,
            forgedCommitment,
            b,
            RangeProver.bitBlindings(r, bits, RANDOM),
            RANDOM,
            s -> hPrime.multiply(s));
    assertThatThrownBy(
            () ->
                RangeVerifier.verify(
                    CONTEXT, new PedersenCommitment(forgedCommitment), bits, forged))
        .isInstanceOf(ZkVerificationException.class);

    ECPoint commitment =
        Generators.G.multiply(BigInteger.valueOf(v)).add(Generators.H.multiply(r)).normalize();
    RangeProof honest =
        RangeProver.proveBits(
            CONTEXT, commitment, b, RangeProver.bitBlindings(r, bits, RANDOM), RANDOM);
    RangeVerifier.verify(CONTEXT, new PedersenCommitment(commitment), bits, honest);
  }

  @Test
  void length_is195BytesPerBit() {
    assertThat(RangeProof.length(1)).isEqualTo(195);
    assertThat(RangeProof.length(48)).isEqualTo(9360);
    assertThat(RangeProof.length(64)).isEqualTo(12480);
    assertThatThrownBy(() -> RangeProof.length(65))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("bits must be in [1, 64]; got 65");
    assertThatThrownBy(() -> RangeProof.length(0)).isInstanceOf(IllegalArgumentException.class);
  }

  // --- out-of-range values ------------------------------------------------------------------

  @Test
  void prove_valueAtOrAbove2PowK_refusedByHonestProver() {
    PedersenOpening o = PedersenOpening.random(BigInteger.ONE.shiftLeft(48), RANDOM);
    assertThatThrownBy(() -> RangeProver.prove(CONTEXT, o, 48, RANDOM))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("[0, 2^48)");
  }

  /** The bits of v mod 2^k, honestly proven, do not add up to C = v·G + r·H. */
  @ParameterizedTest
  @ValueSource(strings = {"281474976710656", "281474976710657", "n-5"})
  void verify_lowBitsOfOutOfRangeValue_rejectedAsSumMismatch(String value) {
    int bits = 48;
    BigInteger v =
        value.equals("n-5") ? P256.N.subtract(BigInteger.valueOf(5)) : new BigInteger(value);
    PedersenOpening o = PedersenOpening.random(v, RANDOM);
    BigInteger[] bitValues = new BigInteger[bits];
    for (int i = 0; i < bits; i++) {
      bitValues[i] = v.testBit(i) ? BigInteger.ONE : BigInteger.ZERO;
    }
    BigInteger[] r = RangeProver.bitBlindings(o.blinding(), bits, RANDOM);
    RangeProof proof = ZkFixtures.cheat(CONTEXT, o.commitment().point(), bitValues, r);
    rejects(
        () -> RangeVerifier.verify(CONTEXT, o.commitment(), bits, proof.encode()),
        Reason.BIT_SUM_MISMATCH);
  }

  /**
   * Bits that do add up to an out-of-range v (here v ≥ 2^k, or a "negative" v = n − x), with the
   * excess in the top bit: the sum check passes, the top bit's OR-proof cannot.
   */
  @ParameterizedTest
  @ValueSource(strings = {"281474976710656", "18446744073709551615", "n-1", "n-5"})
  void verify_nonBinaryTopBitCarryingOutOfRangeValue_rejectedByOrProof(String value) {
    int bits = 48;
    BigInteger n = P256.N;
    BigInteger v =
        value.startsWith("n-")
            ? n.subtract(new BigInteger(value.substring(2)))
            : new BigInteger(value);
    PedersenOpening o = PedersenOpening.random(v, RANDOM);
    BigInteger[] bitValues = new BigInteger[bits];
    BigInteger low = BigInteger.ZERO;
    for (int i = 0; i < bits - 1; i++) {
      bitValues[i] = v.testBit(i) ? BigInteger.ONE : BigInteger.ZERO;
      low = low.add(bitValues[i].shiftLeft(i));
    }
    bitValues[bits - 1] =
        v.subtract(low).multiply(BigInteger.ONE.shiftLeft(bits - 1).modInverse(n)).mod(n);
    assertThat(bitValues[bits - 1]).isGreaterThan(BigInteger.ONE);
    BigInteger[] r = RangeProver.bitBlindings(o.blinding(), bits, RANDOM);
    RangeProof proof = ZkFixtures.cheat(CONTEXT, o.commitment().point(), bitValues, r);
    try {
      RangeVerifier.verify(CONTEXT, o.commitment(), bits, proof);
      throw new AssertionError("accepted a proof for an out-of-range value");
    } catch (ZkVerificationException e) {
      assertThat(e.reason()).isEqualTo(Reason.BIT_PROOF_INVALID);
      assertThat(e).hasMessageContaining("bit " + (bits - 1));
    }
    assertThat(
            reasonOf(
                () ->
                    RangeVerifier.verifyBatch(
                        List.of(new RangeStatement(CONTEXT, o.commitment(), bits, proof)), RANDOM)))
        .isEqualTo(Reason.BATCH_INVALID);
  }

  // --- changed statement --------------------------------------------------------------------

  @Test
  void verify_otherCommitment_rejected() {
    Honest h = ZkFixtures.honest(12345, 48);
    PedersenCommitment other = PedersenOpening.random(12345, RANDOM).commitment();
    rejects(() -> RangeVerifier.verify(CONTEXT, other, 48, h.proof()), Reason.BIT_SUM_MISMATCH);
  }

  @Test
  void verify_otherBitCount_rejectedByLength() {
    Honest h = ZkFixtures.honest(12345, 48);
    rejects(
        () -> RangeVerifier.verify(CONTEXT, h.commitment(), 64, h.proof()), Reason.PROOF_LENGTH);
    rejects(
        () -> RangeVerifier.verify(CONTEXT, h.commitment(), 47, h.proof().encode()),
        Reason.PROOF_LENGTH);
  }

  /** Replay: the same proof under another ledger, checkpoint, root, entry or order. */
  @Test
  void verify_replayedUnderAnyOtherContext_rejected() throws ZkVerificationException {
    Honest h = ZkFixtures.honest(777, 48);
    RangeVerifier.verify(CONTEXT, h.commitment(), 48, h.proof());
    List<ProofContext> others =
        List.of(
            new ProofContext("privspark.example/ledger-b", 43, ROOT, 42, 8.0),
            new ProofContext(CONTEXT.ledgerOrigin(), 44, ROOT, 42, 8.0),
            new ProofContext(CONTEXT.ledgerOrigin(), 43, ZkFixtures.filled((byte) 0x5b), 42, 8.0),
            new ProofContext(CONTEXT.ledgerOrigin(), 43, ROOT, 41, 8.0),
            new ProofContext(CONTEXT.ledgerOrigin(), 43, ROOT, 42, 16.0),
            new ProofContext(CONTEXT.ledgerOrigin(), 43, ROOT, 42, Math.nextUp(8.0)));
    for (ProofContext other : others) {
      rejects(
          () -> RangeVerifier.verify(other, h.commitment(), 48, h.proof()),
          Reason.BIT_PROOF_INVALID);
    }
  }

  /**
   * Frozen Heart probe: change two bit commitments so that Σ 2^i·C_i is unchanged (C_0 + 2X, C_1 −
   * X). The sum check passes, but the bit commitments are in the transcript, so the challenge moves
   * and the OR-proofs fail.
   */
  @Test
  void verify_bitCommitmentsShiftedKeepingTheSum_rejected() {
    Honest h = ZkFixtures.honest(2, 48);
    ECPoint x = Generators.mulG(BigInteger.valueOf(3));
    ECPoint[] cs = h.proof().bitCommitments().toArray(new ECPoint[0]);
    cs[0] = cs[0].add(x.twice()).normalize();
    cs[1] = cs[1].subtract(x).normalize();
    BitProof[] bp = new BitProof[48];
    for (int i = 0; i < 48; i++) {
      bp[i] = h.proof().bitProof(i);
    }
    RangeProof forged = new RangeProof(cs, bp);
    rejects(
        () -> RangeVerifier.verify(CONTEXT, h.commitment(), 48, forged), Reason.BIT_PROOF_INVALID);
  }

  // --- changed proof ------------------------------------------------------------------------

  /** Every element of a 16-bit proof, one at a time, with one bit flipped: all rejected. */
  @Test
  void verify_bitFlippedInEachElement_allRejected() {
    int bits = 16;
    Honest h = ZkFixtures.honest(40_000, bits);
    byte[] good = h.proof().encode();
    int[] sizes = {33, 33, 33, 32, 32, 32};
    List<String> accepted = new ArrayList<>();
    int at = 0;
    int probes = 0;
    for (int i = 0; i < bits; i++) {
      for (int size : sizes) {
        for (int bit : new int[] {0, 8 * size - 1}) {
          byte[] bad = good.clone();
          bad[at + size - 1 - bit / 8] ^= (byte) (1 << (bit % 8));
          probes++;
          if (reasonOf(() -> RangeVerifier.verify(CONTEXT, h.commitment(), bits, bad)) == null) {
            accepted.add("offset " + at + " bit " + bit);
          }
        }
        at += size;
      }
    }
    assertThat(probes).isEqualTo(bits * 12);
    assertThat(accepted).isEmpty();
  }

  /** Challenge share and responses changed by +1 mod n (still valid encodings): rejected. */
  @Test
  void verify_challengeShareOrResponseIncremented_rejectedByOrProof() {
    Honest h = ZkFixtures.honest(99, 48);
    for (int field = 0; field < 3; field++) {
      for (int bit : new int[] {0, 47}) {
        BitProof[] bp = new BitProof[48];
        ECPoint[] cs = h.proof().bitCommitments().toArray(new ECPoint[0]);
        for (int i = 0; i < 48; i++) {
          bp[i] = h.proof().bitProof(i);
        }
        BitProof p = bp[bit];
        BigInteger[] s = {p.c0(), p.z0(), p.z1()};
        s[field] = s[field].add(BigInteger.ONE).mod(P256.N);
        bp[bit] = new BitProof(p.a0(), p.a1(), s[0], s[1], s[2]);
        RangeProof bad = new RangeProof(cs, bp);
        rejects(
            () -> RangeVerifier.verify(CONTEXT, h.commitment(), 48, bad.encode()),
            Reason.BIT_PROOF_INVALID);
      }
    }
  }

  @Test
  void decode_truncatedExtendedOrAllZero_rejected() {
    Honest h = ZkFixtures.honest(5, 48);
    byte[] good = h.proof().encode();
    rejects(() -> RangeProof.decode(Arrays.copyOf(good, good.length - 1), 48), Reason.PROOF_LENGTH);
    rejects(() -> RangeProof.decode(Arrays.copyOf(good, good.length + 1), 48), Reason.PROOF_LENGTH);
    rejects(
        () -> RangeProof.decode(Arrays.copyOf(good, RangeProof.length(47)), 48),
        Reason.PROOF_LENGTH);
    rejects(() -> RangeProof.decode(new byte[0], 48), Reason.PROOF_LENGTH);
    rejects(() -> RangeProof.decode(null, 48), Reason.PROOF_LENGTH);
    rejects(() -> RangeProof.decode(new byte[good.length], 48), Reason.PROOF_ALL_ZERO);
  }

  /** Invalid elements inside a proof are refused by the strict codecs, with their reason. */
  @Test
  void decode_invalidPointOrScalarInsideProof_rejectedWithCodecReason() {
    Honest h = ZkFixtures.honest(5, 48);
    byte[] good = h.proof().encode();
    byte[] bad = good.clone();
    bad[0] = 0x04;
    rejects(() -> RangeProof.decode(bad, 48), Reason.POINT_UNCOMPRESSED);
    byte[] bad2 = good.clone();
    bad2[33] = 0x07;
    rejects(() -> RangeProof.decode(bad2, 48), Reason.POINT_HYBRID);
    byte[] bad3 = good.clone();
    byte[] nPlusOne =
        org.bouncycastle.util.BigIntegers.asUnsignedByteArray(32, P256.N.add(BigInteger.ONE));
    System.arraycopy(nPlusOne, 0, bad3, 99 + 32, 32); // z_0 of bit 0
    rejects(() -> RangeProof.decode(bad3, 48), Reason.SCALAR_NOT_REDUCED);
    byte[] bad4 = good.clone();
    Arrays.fill(bad4, 195, 195 + 33, (byte) 0); // C_1 = zero padding (identity)
    rejects(() -> RangeProof.decode(bad4, 48), Reason.POINT_IDENTITY);
  }
}
