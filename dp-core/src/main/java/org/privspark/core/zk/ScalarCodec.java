package org.privspark.core.zk;

import static org.privspark.core.zk.ZkVerificationException.Reason;

import java.math.BigInteger;
import java.security.SecureRandom;
import org.bouncycastle.util.BigIntegers;
import org.privspark.core.Check;

/**
 * Scalars of P-256 (integers mod n): exactly {@value #LENGTH} bytes, big-endian, and reduced (&lt;
 * n). A value &ge; n is refused rather than reduced, so each scalar has one encoding.
 */
public final class ScalarCodec {
  /** Length of an encoded scalar. */
  public static final int LENGTH = 32;

  private ScalarCodec() {}

  /** The 32-byte big-endian encoding of a scalar in [0, n). */
  public static byte[] encode(BigInteger s) {
    Check.notNull("s", s);
    if (s.signum() < 0 || s.compareTo(P256.N) >= 0) {
      throw new IllegalArgumentException("scalar must be in [0, n); got " + s);
    }
    return BigIntegers.asUnsignedByteArray(LENGTH, s);
  }

  /** Decodes a scalar, refusing any length other than 32 and any value &ge; n. */
  public static BigInteger decode(byte[] bytes) throws ZkVerificationException {
    Check.notNull("bytes", bytes);
    if (bytes.length != LENGTH) {
      throw new ZkVerificationException(
          Reason.SCALAR_LENGTH, "scalar must be " + LENGTH + " bytes; got " + bytes.length);
    }
    BigInteger s = new BigInteger(1, bytes);
    if (s.compareTo(P256.N) >= 0) {
      throw new ZkVerificationException(
          Reason.SCALAR_NOT_REDUCED, "scalar must be < n; got 0x" + s.toString(16));
    }
    return s;
  }

  /** A uniform scalar in [1, n), by rejection sampling (no modular bias). */
  static BigInteger randomNonZero(SecureRandom random) {
    BigInteger s;
    do {
      s = new BigInteger(P256.N.bitLength(), random);
    } while (s.signum() == 0 || s.compareTo(P256.N) >= 0);
    return s;
  }
}
