package org.privspark.core.zk;

import java.util.Arrays;
import org.bouncycastle.math.ec.ECPoint;
import org.privspark.core.Check;

/**
 * A Pedersen commitment C = v·G + r·H on P-256 (see {@link Generators}): perfectly hiding (for a
 * uniform r, C is uniform whatever v is) and computationally binding (two openings of one C give
 * log_G(H)).
 *
 * <p>Create one with {@link PedersenOpening#commitment()}; read one with {@link #decode}. Two
 * commitments are equal when their points are.
 *
 * @param point the commitment, never the identity
 */
public record PedersenCommitment(ECPoint point) {
  public PedersenCommitment {
    Check.notNull("point", point);
    if (point.isInfinity()) {
      throw new IllegalArgumentException("point must not be the identity");
    }
    if (point.getCurve() != P256.CURVE) {
      throw new IllegalArgumentException("point must be on P256.CURVE; got " + point.getCurve());
    }
    point = point.normalize();
  }

  /** Decodes a strict {@value PointCodec#LENGTH}-byte compressed point. */
  public static PedersenCommitment decode(byte[] bytes) throws ZkVerificationException {
    return new PedersenCommitment(PointCodec.decode(bytes));
  }

  /** The {@value PointCodec#LENGTH}-byte compressed encoding. */
  public byte[] encode() {
    return PointCodec.encode(point);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PedersenCommitment c && point.equals(c.point);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(encode());
  }

  @Override
  public String toString() {
    return "PedersenCommitment[" + java.util.HexFormat.of().formatHex(encode()) + "]";
  }
}
