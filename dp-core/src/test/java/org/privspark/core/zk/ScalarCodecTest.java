package org.privspark.core.zk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.security.SecureRandom;
import org.bouncycastle.util.BigIntegers;
import org.junit.jupiter.api.Test;
import org.privspark.core.zk.ZkVerificationException.Reason;

/** Scalars: exactly 32 big-endian bytes, below n; n, n + 1 and 2^256 − 1 refused, not reduced. */
class ScalarCodecTest {
  private static void rejects(byte[] bytes, Reason reason) {
    assertThatThrownBy(() -> ScalarCodec.decode(bytes))
        .isInstanceOf(ZkVerificationException.class)
        .extracting(e -> ((ZkVerificationException) e).reason())
        .isEqualTo(reason);
  }

  private static byte[] raw(BigInteger s) {
    return BigIntegers.asUnsignedByteArray(32, s);
  }

  @Test
  void decode_edgeValuesBelowN_roundTrip() throws ZkVerificationException {
    for (BigInteger s :
        new BigInteger[] {BigInteger.ZERO, BigInteger.ONE, P256.N.subtract(BigInteger.ONE)}) {
      assertThat(ScalarCodec.decode(ScalarCodec.encode(s))).isEqualTo(s);
      assertThat(ScalarCodec.encode(s)).hasSize(32);
    }
  }

  @Test
  void decode_nAndAbove_rejectedAsNotReduced() {
    rejects(raw(P256.N), Reason.SCALAR_NOT_REDUCED);
    rejects(raw(P256.N.add(BigInteger.ONE)), Reason.SCALAR_NOT_REDUCED);
    rejects(raw(BigInteger.ONE.shiftLeft(256).subtract(BigInteger.ONE)), Reason.SCALAR_NOT_REDUCED);
  }

  @Test
  void decode_wrongLength_rejected() {
    rejects(new byte[31], Reason.SCALAR_LENGTH);
    rejects(new byte[33], Reason.SCALAR_LENGTH);
  }

  @Test
  void encode_outOfRange_throwsIllegalArgumentException() {
    assertThatThrownBy(() -> ScalarCodec.encode(P256.N))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("[0, n)");
    assertThatThrownBy(() -> ScalarCodec.encode(BigInteger.valueOf(-1)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void randomNonZero_staysInOneToN() {
    SecureRandom random = new SecureRandom();
    for (int i = 0; i < 1000; i++) {
      BigInteger s = ScalarCodec.randomNonZero(random);
      assertThat(s.signum()).isPositive();
      assertThat(s).isLessThan(P256.N);
    }
  }
}
