package org.privspark.core.zk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.Arrays;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.util.BigIntegers;
import org.junit.jupiter.api.Test;
import org.privspark.core.zk.ZkVerificationException.Reason;

/**
 * Strict compressed points: one encoding per point, every other byte string refused with a reason.
 */
class PointCodecTest {
  private static final SecureRandom RANDOM = new SecureRandom();

  private static byte[] withX(int prefix, BigInteger x) {
    byte[] b = new byte[PointCodec.LENGTH];
    b[0] = (byte) prefix;
    System.arraycopy(BigIntegers.asUnsignedByteArray(32, x), 0, b, 1, 32);
    return b;
  }

  private static void rejects(byte[] bytes, Reason reason) {
    assertThatThrownBy(() -> PointCodec.decode(bytes))
        .isInstanceOf(ZkVerificationException.class)
        .extracting(e -> ((ZkVerificationException) e).reason())
        .isEqualTo(reason);
  }

  @Test
  void decode_encodedRandomPoints_roundTripWithBothParities() throws ZkVerificationException {
    boolean[] seen = new boolean[2];
    for (int i = 0; i < 64; i++) {
      ECPoint p = Generators.mulG(ScalarCodec.randomNonZero(RANDOM)).normalize();
      byte[] enc = PointCodec.encode(p);
      assertThat(enc).hasSize(33);
      seen[enc[0] - 2] = true;
      assertThat(PointCodec.decode(enc)).isEqualTo(p);
      assertThat(PointCodec.encode(PointCodec.decode(enc))).isEqualTo(enc);
    }
    assertThat(seen).containsOnly(true);
  }

  @Test
  void decode_identity_rejectsAsIdentity() {
    rejects(new byte[] {0}, Reason.POINT_IDENTITY);
    rejects(new byte[33], Reason.POINT_IDENTITY);
    assertThatThrownBy(() -> PointCodec.encode(P256.CURVE.getInfinity()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void decode_uncompressedAndHybridForms_rejected() {
    ECPoint g = P256.G;
    byte[] uncompressed = g.getEncoded(false);
    rejects(uncompressed, Reason.POINT_LENGTH);
    rejects(Arrays.copyOf(uncompressed, 33), Reason.POINT_UNCOMPRESSED);
    byte[] hybrid = uncompressed.clone();
    hybrid[0] = (byte) (g.getAffineYCoord().testBitZero() ? 0x07 : 0x06);
    rejects(hybrid, Reason.POINT_LENGTH);
    rejects(withX(0x06, g.getAffineXCoord().toBigInteger()), Reason.POINT_HYBRID);
    rejects(withX(0x07, g.getAffineXCoord().toBigInteger()), Reason.POINT_HYBRID);
    rejects(withX(0x05, g.getAffineXCoord().toBigInteger()), Reason.POINT_PREFIX);
    rejects(withX(0x01, g.getAffineXCoord().toBigInteger()), Reason.POINT_PREFIX);
    rejects(withX(0xff, g.getAffineXCoord().toBigInteger()), Reason.POINT_PREFIX);
  }

  /** Why the checks are ours: BouncyCastle's decoder takes forms this codec must refuse. */
  @Test
  void bouncyCastleDecodePoint_acceptsFormsThatPointCodecRefuses() {
    assertThat(P256.CURVE.decodePoint(new byte[] {0}).isInfinity()).isTrue();
    assertThat(P256.CURVE.decodePoint(P256.G.getEncoded(false))).isEqualTo(P256.G);
  }

  @Test
  void decode_xNotBelowP_rejected() {
    rejects(withX(0x02, P256.P), Reason.POINT_X_NOT_IN_FIELD);
    rejects(withX(0x03, P256.P.add(BigInteger.valueOf(5))), Reason.POINT_X_NOT_IN_FIELD);
    rejects(
        withX(0x02, BigInteger.ONE.shiftLeft(256).subtract(BigInteger.ONE)),
        Reason.POINT_X_NOT_IN_FIELD);
    // x = 5 + p (CFRG case A3): reducing it would alias a valid x.
    rejects(withX(0x02, P256.P.add(BigInteger.valueOf(5))), Reason.POINT_X_NOT_IN_FIELD);
  }

  @Test
  void decode_xWithNoCurvePoint_rejectedAsOffCurve() {
    // x = 1: 1 − 3 + b is not a square mod p (also case A6 of the CFRG vectors).
    rejects(withX(0x02, BigInteger.ONE), Reason.POINT_NOT_ON_CURVE);
    rejects(withX(0x03, BigInteger.ONE), Reason.POINT_NOT_ON_CURVE);
    int offCurve = 0;
    for (int x = 2; x < 40; x++) {
      try {
        PointCodec.decode(withX(0x02, BigInteger.valueOf(x)));
      } catch (ZkVerificationException e) {
        assertThat(e.reason()).isEqualTo(Reason.POINT_NOT_ON_CURVE);
        offCurve++;
      }
    }
    assertThat(offCurve).as("about half of all x have no point").isBetween(5, 33);
  }

  @Test
  void decode_wrongLength_rejected() {
    byte[] g = PointCodec.encode(P256.G);
    rejects(Arrays.copyOf(g, 32), Reason.POINT_LENGTH);
    rejects(Arrays.copyOf(g, 34), Reason.POINT_LENGTH);
    rejects(new byte[0], Reason.POINT_LENGTH);
  }
}
