package org.privspark.core.zk;

import java.math.BigInteger;
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

  /**
   * The homomorphic sum Σ C_j, a commitment to Σ v_j with blinding Σ r_j (mod n).
   *
   * @throws IllegalArgumentException if the list is empty or the sum is the identity (which an
   *     honest set of commitments reaches with probability about 2^−256)
   */
  public static PedersenCommitment sum(java.util.List<PedersenCommitment> commitments) {
    Check.notNull("commitments", commitments);
    if (commitments.isEmpty()) {
      throw new IllegalArgumentException("commitments must not be empty; got none");
    }
    ECPoint s = P256.CURVE.getInfinity();
    for (PedersenCommitment c : commitments) {
      s = s.add(c.point);
    }
    return new PedersenCommitment(s);
  }

  /**
   * t·G − S: a commitment to t − v with blinding −r, when S commits to v with blinding r. The
   * verifier forms it from a public t (a budget threshold) and a public S (the sum of the entries'
   * commitments); only the prover, who knows every opening, can open it.
   *
   * @param t a public value in [0, n)
   * @throws IllegalArgumentException if the result is the identity (negligible for honest S)
   */
  public static PedersenCommitment publicMinus(BigInteger t, PedersenCommitment s) {
    Check.notNull("t", t);
    Check.notNull("s", s);
    if (t.signum() < 0 || t.compareTo(P256.N) >= 0) {
      throw new IllegalArgumentException("t must be in [0, n); got " + t);
    }
    return new PedersenCommitment(Generators.mulG(t).subtract(s.point));
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
