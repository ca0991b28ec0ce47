package org.privspark.core.zk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.privspark.core.zk.ZkFixtures.CONTEXT;
import static org.privspark.core.zk.ZkFixtures.RANDOM;

import java.math.BigInteger;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * For random k and v &lt; 2^k, proofs verify singly and in a batch, re-encode to the same bytes,
 * and fail with any one flipped bit; for v &ge; 2^k the honest prover refuses.
 */
class RangeProofPropertiesTest {

  @Property(tries = 40)
  void proof_randomBitsAndValue_verifiesAndFailsWithFlippedBit(
      @ForAll @IntRange(min = 1, max = 64) int bits,
      @ForAll long rawValue,
      @ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) int flip)
      throws ZkVerificationException {
    BigInteger v =
        BigInteger.valueOf(rawValue).and(BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE));
    PedersenOpening o = PedersenOpening.random(v, RANDOM);
    RangeProof proof = RangeProver.prove(CONTEXT, o, bits, RANDOM);
    byte[] bytes = proof.encode();
    assertThat(bytes).hasSize(RangeProof.length(bits));
    RangeVerifier.verify(CONTEXT, o.commitment(), bits, bytes);
    RangeVerifier.verifyBatch(
        List.of(new RangeStatement(CONTEXT, o.commitment(), bits, proof)), RANDOM);
    assertThat(RangeProof.decode(bytes, bits).encode()).isEqualTo(bytes);

    byte[] bad = bytes.clone();
    bad[flip % bad.length] ^= (byte) (1 << ((flip >>> 16) % 8));
    assertThatThrownBy(() -> RangeVerifier.verify(CONTEXT, o.commitment(), bits, bad))
        .isInstanceOf(ZkVerificationException.class);
  }

  @Property(tries = 200)
  void prove_valueAtLeast2PowK_refused(
      @ForAll @IntRange(min = 1, max = 63) int bits,
      @ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) int excess) {
    BigInteger v = BigInteger.ONE.shiftLeft(bits).add(BigInteger.valueOf(excess));
    PedersenOpening o = PedersenOpening.random(v, RANDOM);
    assertThatThrownBy(() -> RangeProver.prove(CONTEXT, o, bits, RANDOM))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
