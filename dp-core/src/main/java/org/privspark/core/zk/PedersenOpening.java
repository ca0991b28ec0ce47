package org.privspark.core.zk;

import java.math.BigInteger;
import java.security.SecureRandom;
import org.privspark.core.Check;

/**
 * The secret opening (v, r) of a Pedersen commitment C = v·G + r·H. The committed value v is a
 * non-negative integer below n; r is the blinding scalar. Whoever holds r can open C, so this type
 * has no {@code toString} that shows either value. Not serializable on purpose.
 */
public final class PedersenOpening {
  private final BigInteger value;
  private final BigInteger blinding;

  private PedersenOpening(BigInteger value, BigInteger blinding) {
    this.value = value;
    this.blinding = blinding;
  }

  /** An opening of {@code value} with a fresh uniform blinding r ∈ [1, n) from {@code random}. */
  public static PedersenOpening random(long value, SecureRandom random) {
    if (value < 0) {
      throw new IllegalArgumentException("value must be >= 0; got " + value);
    }
    return random(BigInteger.valueOf(value), random);
  }

  /** As {@link #random(long, SecureRandom)}, for a value in [0, n). */
  public static PedersenOpening random(BigInteger value, SecureRandom random) {
    Check.notNull("random", random);
    return of(value, ScalarCodec.randomNonZero(random));
  }

  /**
   * An opening with a given blinding, for tests and for openings read back from storage. Requires 0
   * &le; value &lt; n and 0 &lt; blinding &lt; n.
   */
  public static PedersenOpening of(BigInteger value, BigInteger blinding) {
    Check.notNull("value", value);
    Check.notNull("blinding", blinding);
    if (value.signum() < 0 || value.compareTo(P256.N) >= 0) {
      throw new IllegalArgumentException("value must be in [0, n); got " + value);
    }
    if (blinding.signum() <= 0 || blinding.compareTo(P256.N) >= 0) {
      throw new IllegalArgumentException("blinding must be in [1, n); got a value out of range");
    }
    return new PedersenOpening(value, blinding);
  }

  /**
   * The opening of {@link PedersenCommitment#publicMinus t·G − Σ C_j}: value t − Σ v_j and blinding
   * −Σ r_j (mod n).
   *
   * @throws IllegalArgumentException if t − Σ v_j is negative (the statement is false) or the
   *     blinding is 0 (probability about 2^−256)
   */
  public static PedersenOpening publicMinus(
      BigInteger t, java.util.List<PedersenOpening> openings) {
    Check.notNull("t", t);
    Check.notNull("openings", openings);
    BigInteger v = t;
    BigInteger r = BigInteger.ZERO;
    for (PedersenOpening o : openings) {
      v = v.subtract(o.value);
      r = r.add(o.blinding);
    }
    if (v.signum() < 0) {
      throw new IllegalArgumentException(
          "t must be at least the sum of the committed values; it is " + v.negate() + " short");
    }
    return of(v, r.negate().mod(P256.N));
  }

  /** The committed value v. */
  public BigInteger value() {
    return value;
  }

  /** The blinding r (secret). */
  public BigInteger blinding() {
    return blinding;
  }

  /** C = v·G + r·H. */
  public PedersenCommitment commitment() {
    return new PedersenCommitment(Generators.mulG(value).add(Generators.mulH(blinding)));
  }

  /** True if this opens {@code c}. */
  public boolean opens(PedersenCommitment c) {
    return commitment().equals(c);
  }

  @Override
  public String toString() {
    return "PedersenOpening[secret]";
  }
}
