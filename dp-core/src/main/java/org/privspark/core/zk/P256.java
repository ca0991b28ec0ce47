package org.privspark.core.zk;

import java.math.BigInteger;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.math.ec.ECCurve;
import org.bouncycastle.math.ec.ECPoint;

/**
 * The group: NIST P-256 (secp256r1, SEC 2 §2.4.2, FIPS 186-5), of prime order n and cofactor 1.
 *
 * <p>The curve comes from BouncyCastle's {@code CustomNamedCurves}, whose P-256 has the same
 * parameters as {@code SECNamedCurves.getByName("secp256r1")} (a test checks this) with faster
 * field arithmetic. Every point in this package lives on the one {@link #CURVE} instance, because
 * BouncyCastle does not mix points of different curve objects.
 */
public final class P256 {
  private static final X9ECParameters PARAMS = CustomNamedCurves.getByName("P-256");

  /** The curve y² = x³ − 3x + b over F_p. */
  public static final ECCurve CURVE = PARAMS.getCurve();

  /** The field prime p = 2^256 − 2^224 + 2^192 + 2^96 − 1. */
  public static final BigInteger P = CURVE.getField().getCharacteristic();

  /** The group order n (a prime; the cofactor is 1, so every non-identity point generates). */
  public static final BigInteger N = PARAMS.getN();

  /** The standard base point G of SEC 2. */
  public static final ECPoint G = PARAMS.getG().normalize();

  private P256() {}

  static {
    if (!PARAMS.getH().equals(BigInteger.ONE)) {
      throw new IllegalStateException("P-256 must have cofactor 1; got " + PARAMS.getH());
    }
  }
}
