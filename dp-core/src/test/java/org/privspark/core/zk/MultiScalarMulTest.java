package org.privspark.core.zk;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.security.SecureRandom;
import org.bouncycastle.math.ec.ECPoint;
import org.junit.jupiter.api.Test;

/** Pippenger's sum equals the sum of separate scalar multiplications (the slow reference). */
class MultiScalarMulTest {
  private static final SecureRandom RANDOM = new SecureRandom();

  private static ECPoint reference(ECPoint[] points, BigInteger[] scalars) {
    ECPoint sum = P256.CURVE.getInfinity();
    for (int j = 0; j < points.length; j++) {
      sum = sum.add(points[j].multiply(scalars[j]));
    }
    return sum.normalize();
  }

  @Test
  void sum_randomInputsOfManySizes_matchesReference() {
    for (int size : new int[] {1, 2, 3, 17, 100, 700}) {
      ECPoint[] points = new ECPoint[size];
      BigInteger[] scalars = new BigInteger[size];
      for (int j = 0; j < size; j++) {
        points[j] = Generators.mulG(ScalarCodec.randomNonZero(RANDOM)).normalize();
        // Mix full scalars, 128-bit weights, zeros, ones and n − 1.
        scalars[j] =
            switch (j % 5) {
              case 0 -> ScalarCodec.randomNonZero(RANDOM);
              case 1 -> new BigInteger(128, RANDOM);
              case 2 -> BigInteger.ZERO;
              case 3 -> BigInteger.ONE;
              default -> P256.N.subtract(BigInteger.ONE);
            };
      }
      assertThat(MultiScalarMul.sum(points, scalars, size).normalize())
          .as("size %d", size)
          .isEqualTo(reference(points, scalars));
    }
  }

  @Test
  void sum_pointAndItsNegation_cancelToIdentity() {
    ECPoint p = Generators.mulH(BigInteger.TEN).normalize();
    BigInteger s = ScalarCodec.randomNonZero(RANDOM);
    assertThat(
            MultiScalarMul.sum(
                    new ECPoint[] {p, p.negate(), p}, new BigInteger[] {s, s, BigInteger.ZERO}, 3)
                .isInfinity())
        .isTrue();
  }

  @Test
  void window_growsWithSize() {
    assertThat(MultiScalarMul.window(1)).isLessThanOrEqualTo(MultiScalarMul.window(200));
    assertThat(MultiScalarMul.window(200)).isLessThan(MultiScalarMul.window(200_000));
  }
}
