package org.privspark.core.zk;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.hash2curve.HashToCurveProfile;
import org.bouncycastle.crypto.hash2curve.HashToField;
import org.bouncycastle.crypto.hash2curve.impl.SimplifiedShallueVanDeWoestijneMapToCurve;
import org.bouncycastle.crypto.hash2curve.impl.XmdMessageExpansion;
import org.bouncycastle.math.ec.ECPoint;
import org.privspark.core.Check;

/**
 * RFC 9380 hashing to P-256: the suites {@code P256_XMD:SHA-256_SSWU_RO_} ({@link #hashToCurve})
 * and {@code P256_XMD:SHA-256_SSWU_NU_} ({@link #encodeToCurve}), built from BouncyCastle's RFC
 * 9380 parts (expand_message_xmd, hash_to_field, simplified SWU) on {@link P256#CURVE}.
 *
 * <p>BouncyCastle refuses domain-separation tags longer than 255 bytes; this class first applies
 * the reduction of RFC 9380 §5.3.3 (DST = SHA-256("H2C-OVERSIZE-DST-" ‖ DST)), as the RFC requires.
 * The cofactor of P-256 is 1, so clear_cofactor is the identity map. Checked against every vector
 * of RFC 9380 Appendix J.1.1, J.1.2 and K.1 in the tests.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc9380.html">RFC 9380</a>
 */
public final class HashToCurveP256 {
  /** Security parameter k of the suite, in bits (RFC 9380 §8.2). */
  static final int K = 128;

  /** Bytes per field element in hash_to_field: L = ceil((ceil(log2(p)) + k) / 8) = 48. */
  static final int L = 48;

  private static final int MAX_DST = 255;
  private static final byte[] OVERSIZE_PREFIX =
      "H2C-OVERSIZE-DST-".getBytes(StandardCharsets.US_ASCII);
  private static final SimplifiedShallueVanDeWoestijneMapToCurve SSWU =
      new SimplifiedShallueVanDeWoestijneMapToCurve(
          P256.CURVE, HashToCurveProfile.P256_XMD_SHA_256.getZ());

  private HashToCurveP256() {}

  /** hash_to_curve (random-oracle encoding, RFC 9380 §3): P = map(u0) + map(u1). */
  public static ECPoint hashToCurve(byte[] msg, byte[] dst) {
    BigInteger[] u = hashToField(msg, dst, 2);
    return mapToCurve(u[0]).add(mapToCurve(u[1])).normalize();
  }

  /** encode_to_curve (nonuniform encoding, RFC 9380 §3): P = map(u0). */
  public static ECPoint encodeToCurve(byte[] msg, byte[] dst) {
    return mapToCurve(hashToField(msg, dst, 1)[0]).normalize();
  }

  /** hash_to_field (RFC 9380 §5.2) with expand_message_xmd(SHA-256), m = 1, L = 48. */
  static BigInteger[] hashToField(byte[] msg, byte[] dst, int count) {
    BigInteger[][] u =
        new HashToField(reduceDst(dst), P256.CURVE, xmd(), L).process(msg.clone(), count);
    BigInteger[] out = new BigInteger[count];
    for (int i = 0; i < count; i++) {
      out[i] = u[i][0];
    }
    return out;
  }

  /** map_to_curve with the simplified SWU map for P-256 (RFC 9380 §6.6.2, Z = −10). */
  static ECPoint mapToCurve(BigInteger u) {
    return SSWU.process(u).normalize();
  }

  /** expand_message_xmd with SHA-256 (RFC 9380 §5.3.1). */
  static byte[] expandMessageXmd(byte[] msg, byte[] dst, int lenInBytes) {
    return xmd().expandMessage(msg.clone(), reduceDst(dst), lenInBytes);
  }

  private static XmdMessageExpansion xmd() {
    return new XmdMessageExpansion(new SHA256Digest(), K);
  }

  /** RFC 9380 §5.3.3: a DST over 255 bytes is replaced by its hash. */
  static byte[] reduceDst(byte[] dst) {
    Check.notNull("dst", dst);
    if (dst.length == 0) {
      throw new IllegalArgumentException("dst must be non-empty (RFC 9380 §3.1); got 0 bytes");
    }
    if (dst.length <= MAX_DST) {
      return dst.clone();
    }
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(OVERSIZE_PREFIX);
      return sha.digest(dst);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
  }
}
