package org.privspark.core.zk;

import static org.privspark.core.zk.ZkVerificationException.Reason;

import java.math.BigInteger;
import java.util.Arrays;
import org.bouncycastle.math.ec.ECFieldElement;
import org.bouncycastle.math.ec.ECPoint;
import org.privspark.core.Check;

/**
 * Strict SEC1 compressed encoding of P-256 points: exactly {@value #LENGTH} bytes, prefix 0x02 (y
 * even) or 0x03 (y odd), then x as 32 big-endian bytes.
 *
 * <p>Each point has exactly one accepted encoding. Decoding refuses, with a reason: any other
 * length, the identity, the uncompressed (0x04) and hybrid (0x06, 0x07) forms, any other prefix, x
 * &ge; p and an x with no point on the curve. These checks are made here rather than left to
 * BouncyCastle's {@code decodePoint}, which accepts the identity and the other SEC1 forms, and
 * would make two byte strings name one point, so that the Fiat–Shamir transcript (which hashes the
 * bytes) and the group element could disagree.
 */
public final class PointCodec {
  /** Length of an encoded point. */
  public static final int LENGTH = 33;

  private PointCodec() {}

  /** The compressed encoding of a non-identity point. */
  public static byte[] encode(ECPoint point) {
    Check.notNull("point", point);
    if (point.isInfinity()) {
      throw new IllegalArgumentException("point must not be the identity; it has no encoding here");
    }
    return point.getEncoded(true);
  }

  /** Decodes a point, refusing every encoding other than the one {@link #encode} produces. */
  public static ECPoint decode(byte[] bytes) throws ZkVerificationException {
    Check.notNull("bytes", bytes);
    if (bytes.length == 1 && bytes[0] == 0) {
      throw new ZkVerificationException(Reason.POINT_IDENTITY, "the SEC1 identity 0x00");
    }
    if (bytes.length != LENGTH) {
      String form = bytes.length == 65 && bytes[0] == 0x04 ? " (an uncompressed point?)" : "";
      throw new ZkVerificationException(
          Reason.POINT_LENGTH, "point must be " + LENGTH + " bytes; got " + bytes.length + form);
    }
    int prefix = bytes[0] & 0xff;
    switch (prefix) {
      case 0x02, 0x03 -> {}
      case 0x00 ->
          throw new ZkVerificationException(
              Reason.POINT_IDENTITY, "prefix 0x00 (identity or zero padding)");
      case 0x04 ->
          throw new ZkVerificationException(
              Reason.POINT_UNCOMPRESSED,
              "prefix 0x04; only compressed points (0x02, 0x03) are accepted");
      case 0x06, 0x07 ->
          throw new ZkVerificationException(
              Reason.POINT_HYBRID, String.format("hybrid prefix 0x%02x", prefix));
      default ->
          throw new ZkVerificationException(
              Reason.POINT_PREFIX,
              String.format("prefix must be 0x02 or 0x03; got 0x%02x", prefix));
    }
    BigInteger x = new BigInteger(1, Arrays.copyOfRange(bytes, 1, LENGTH));
    if (x.compareTo(P256.P) >= 0) {
      throw new ZkVerificationException(
          Reason.POINT_X_NOT_IN_FIELD, "x must be < p; got 0x" + x.toString(16));
    }
    ECPoint point = lift(x, prefix == 0x03);
    if (point == null) {
      throw new ZkVerificationException(
          Reason.POINT_NOT_ON_CURVE, "no P-256 point has x = 0x" + x.toString(16));
    }
    return point;
  }

  /** The point with this x and y parity, or null if x³ + ax + b is not a square. */
  private static ECPoint lift(BigInteger x, boolean yOdd) {
    ECFieldElement fx = P256.CURVE.fromBigInteger(x);
    ECFieldElement rhs = fx.square().add(P256.CURVE.getA()).multiply(fx).add(P256.CURVE.getB());
    ECFieldElement y = rhs.sqrt();
    if (y == null) {
      return null;
    }
    if (y.testBitZero() != yOdd) {
      y = y.negate();
    }
    ECPoint point = P256.CURVE.createPoint(x, y.toBigInteger());
    // Belt and braces: the square root is checked by BouncyCastle, the curve equation here.
    if (!point.isValid()) {
      return null;
    }
    return point.normalize();
  }
}
