package org.privspark.core.zk;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.bouncycastle.asn1.sec.SECNamedCurves;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.junit.jupiter.api.Test;

/** The group is standard P-256, and H is re-derivable from the published DST and message. */
class GeneratorsTest {
  /**
   * H, pinned so that a change in the derivation (DST, message, suite, library) is caught.
   * Reproduce with any RFC 9380 implementation: hash_to_curve("pedersen generator H") under
   * P256_XMD:SHA-256_SSWU_RO_ with DST "PRIVSPARK-V01-CS01-with-P256_XMD:SHA-256_SSWU_RO_".
   */
  private static final String H_HEX =
      "02e8d90601ca41fcbfbf2147f14e9e4855f0a4ac50ed91c44dbc607fc91c0c6f46";

  @Test
  void curve_matchesSecNamedCurvesSecp256r1() {
    X9ECParameters sec = SECNamedCurves.getByName("secp256r1");
    assertThat(P256.N).isEqualTo(sec.getN());
    assertThat(P256.P).isEqualTo(sec.getCurve().getField().getCharacteristic());
    assertThat(P256.CURVE.getA().toBigInteger()).isEqualTo(sec.getCurve().getA().toBigInteger());
    assertThat(P256.CURVE.getB().toBigInteger()).isEqualTo(sec.getCurve().getB().toBigInteger());
    assertThat(P256.G.getEncoded(true)).isEqualTo(sec.getG().getEncoded(true));
  }

  @Test
  void h_isHashToCurveOfThePublishedMessage_andPinned() {
    assertThat(Generators.H.getEncoded(true))
        .isEqualTo(
            HashToCurveP256.hashToCurve(
                    Generators.H_MESSAGE.getBytes(StandardCharsets.US_ASCII),
                    Generators.H_DST.getBytes(StandardCharsets.US_ASCII))
                .getEncoded(true));
    assertThat(HexFormat.of().formatHex(PointCodec.encode(Generators.H))).isEqualTo(H_HEX);
  }

  @Test
  void h_isAValidPointOtherThanGOrMinusG() {
    assertThat(Generators.H.isValid()).isTrue();
    assertThat(Generators.H.isInfinity()).isFalse();
    assertThat(Generators.H).isNotEqualTo(Generators.G);
    assertThat(Generators.H).isNotEqualTo(Generators.G.negate());
    assertThat(Generators.H.multiply(P256.N).isInfinity()).isTrue();
  }

  @Test
  void fixedBaseMultiplication_matchesGenericMultiplication() {
    java.math.BigInteger s = P256.N.subtract(java.math.BigInteger.valueOf(12345));
    assertThat(Generators.mulG(s).normalize()).isEqualTo(Generators.G.multiply(s).normalize());
    assertThat(Generators.mulH(s).normalize()).isEqualTo(Generators.H.multiply(s).normalize());
  }
}
