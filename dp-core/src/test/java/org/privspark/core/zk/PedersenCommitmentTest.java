package org.privspark.core.zk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

/** C = v·G + r·H: opens, hides (fresh r), adds homomorphically, and round-trips strictly. */
class PedersenCommitmentTest {
  private static final SecureRandom RANDOM = new SecureRandom();

  @Test
  void commitment_isVGPlusRH_andOpens() {
    PedersenOpening o = PedersenOpening.random(42, RANDOM);
    PedersenCommitment c = o.commitment();
    assertThat(c.point())
        .isEqualTo(
            P256.G.multiply(BigInteger.valueOf(42))
                .add(Generators.H.multiply(o.blinding()))
                .normalize());
    assertThat(o.opens(c)).isTrue();
    assertThat(PedersenOpening.of(BigInteger.valueOf(43), o.blinding()).opens(c)).isFalse();
  }

  @Test
  void commitment_sameValueFreshBlinding_differs() {
    assertThat(PedersenOpening.random(7, RANDOM).commitment())
        .isNotEqualTo(PedersenOpening.random(7, RANDOM).commitment());
  }

  @Test
  void commitment_isAdditivelyHomomorphic() {
    PedersenOpening a = PedersenOpening.random(5, RANDOM);
    PedersenOpening b = PedersenOpening.random(Long.MAX_VALUE - 5, RANDOM);
    PedersenOpening sum =
        PedersenOpening.of(
            BigInteger.valueOf(Long.MAX_VALUE), a.blinding().add(b.blinding()).mod(P256.N));
    assertThat(a.commitment().point().add(b.commitment().point()).normalize())
        .isEqualTo(sum.commitment().point());
  }

  @Test
  void decode_encoded_roundTrips() throws ZkVerificationException {
    PedersenCommitment c = PedersenOpening.random(1L << 47, RANDOM).commitment();
    assertThat(PedersenCommitment.decode(c.encode())).isEqualTo(c);
    assertThat(c.encode()).hasSize(33);
  }

  @Test
  void opening_outOfRangeInputs_throwIllegalArgumentException() {
    assertThatThrownBy(() -> PedersenOpening.random(-1, RANDOM))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("value must be >= 0; got -1");
    assertThatThrownBy(() -> PedersenOpening.of(P256.N, BigInteger.ONE))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PedersenOpening.of(BigInteger.ONE, BigInteger.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(PedersenOpening.random(3, RANDOM).toString()).doesNotContain("3");
  }
}
