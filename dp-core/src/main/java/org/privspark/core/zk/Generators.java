package org.privspark.core.zk;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;
import org.bouncycastle.math.ec.FixedPointUtil;

/**
 * The two Pedersen generators: G, the standard P-256 base point, and H, a point whose discrete
 * logarithm to G nobody knows.
 *
 * <p>H = hash_to_curve({@value #H_MESSAGE}) under the suite {@code P256_XMD:SHA-256_SSWU_RO_} with
 * DST {@value #H_DST} (RFC 9380). Hash-to-curve is a random oracle onto the group, so finding
 * log_G(H) is as hard as a discrete logarithm. Every verifier derives H here, from these constants;
 * H is never read from a proof or a ledger, so a prover cannot pick an H whose logarithm it knows
 * (which would let it open a commitment to any value). Multiplications by G and H use
 * BouncyCastle's fixed-base comb with tables computed once.
 */
public final class Generators {
  /**
   * The RFC 9380 domain-separation tag for H (RFC 9380 §3.1 format: application, version, suite).
   */
  public static final String H_DST = "PRIVSPARK-V01-CS01-with-P256_XMD:SHA-256_SSWU_RO_";

  /** The message hashed to H. */
  public static final String H_MESSAGE = "pedersen generator H";

  /** The standard base point of P-256. */
  public static final ECPoint G = P256.G;

  /** The second generator, derived by hashing to the curve (see the class comment). */
  public static final ECPoint H =
      HashToCurveP256.hashToCurve(
          H_MESSAGE.getBytes(StandardCharsets.US_ASCII), H_DST.getBytes(StandardCharsets.US_ASCII));

  private static final FixedPointCombMultiplier COMB = new FixedPointCombMultiplier();

  static {
    // The comb tables are cached on the points; build them now, not on a verifier's first call.
    FixedPointUtil.precompute(G);
    FixedPointUtil.precompute(H);
  }

  private Generators() {}

  /** s·G for a scalar s in [0, n). */
  static ECPoint mulG(BigInteger s) {
    return COMB.multiply(G, s);
  }

  /** s·H for a scalar s in [0, n). */
  static ECPoint mulH(BigInteger s) {
    return COMB.multiply(H, s);
  }
}
