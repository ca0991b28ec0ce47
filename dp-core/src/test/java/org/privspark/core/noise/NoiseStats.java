package org.privspark.core.noise;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongToDoubleFunction;
import org.apache.commons.math3.stat.inference.ChiSquareTest;

/** Test helpers: exact pmfs and chi-square goodness of fit on integer samples. */
public final class NoiseStats {
  private NoiseStats() {}

  /** A source with a fixed secret: deterministic, so every statistical test is reproducible. */
  public static KeyedStreamSource seeded(String label) {
    byte[] key = new byte[Secret.LENGTH];
    for (int i = 0; i < key.length; i++) {
      key[i] = (byte) (i * 7 + 1);
    }
    return KeyedStreamSource.forCell(Secret.fromBytes(key), "test/" + label);
  }

  /** The discrete Laplace pmf with scale t: (1 − q)/(1 + q)·q^|x|, q = e^{−1/t}. */
  public static LongToDoubleFunction laplacePmf(double t) {
    double q = Math.exp(-1 / t);
    double c = -Math.expm1(-1 / t) / (1 + q);
    return x -> c * Math.exp(-Math.abs((double) x) / t);
  }

  /** The discrete Gaussian pmf with variance parameter s = σ², normalised by direct summation. */
  public static LongToDoubleFunction gaussianPmf(double s) {
    long limit = (long) Math.ceil(40 * Math.sqrt(s)) + 10;
    double z = 0;
    for (long x = -limit; x <= limit; x++) {
      z += Math.exp(-(double) x * x / (2 * s));
    }
    double norm = z;
    return x -> Math.exp(-(double) x * x / (2 * s)) / norm;
  }

  /** E[X^power] of a symmetric pmf, summed over |x| ≤ limit. */
  public static double moment(LongToDoubleFunction pmf, int power, long limit) {
    double sum = 0;
    for (long x = -limit; x <= limit; x++) {
      sum += Math.pow(x, power) * pmf.applyAsDouble(x);
    }
    return sum;
  }

  /**
   * The chi-square p-value of integer samples against a symmetric pmf: one bin per integer in [−m,
   * m], where m is the largest value whose expected count is at least 5, plus one bin per tail
   * (merged into its neighbour when its own expected count is below 5).
   */
  public static double chiSquarePValue(long[] samples, LongToDoubleFunction pmf) {
    int n = samples.length;
    long m = 0;
    while (n * pmf.applyAsDouble(m + 1) >= 5) {
      m++;
    }
    int inner = (int) (2 * m + 1);
    double centreMass = 0;
    for (long x = -m; x <= m; x++) {
      centreMass += pmf.applyAsDouble(x);
    }
    double tailMass = Math.max(0, (1 - centreMass) / 2);
    List<Double> expected = new ArrayList<>();
    long[] counts = new long[inner + 2];
    for (long s : samples) {
      if (s < -m) {
        counts[0]++;
      } else if (s > m) {
        counts[inner + 1]++;
      } else {
        counts[(int) (s + m) + 1]++;
      }
    }
    double[] exp = new double[inner + 2];
    exp[0] = n * tailMass;
    exp[inner + 1] = n * tailMass;
    for (int i = 0; i < inner; i++) {
      exp[i + 1] = n * pmf.applyAsDouble(i - m);
    }
    // Merge each tail into its neighbour if it is too small on its own.
    List<Long> obs = new ArrayList<>();
    for (int i = 0; i < exp.length; i++) {
      boolean mergeLeftTail = i == 0 && exp[0] < 5;
      boolean mergeRightTail = i == exp.length - 1 && exp[i] < 5;
      if (mergeLeftTail) {
        exp[1] += exp[0];
        counts[1] += counts[0];
        continue;
      }
      if (mergeRightTail) {
        int last = expected.size() - 1;
        expected.set(last, expected.get(last) + exp[i]);
        obs.set(last, obs.get(last) + counts[i]);
        continue;
      }
      expected.add(exp[i]);
      obs.add(counts[i]);
    }
    return new ChiSquareTest()
        .chiSquareTest(
            expected.stream().mapToDouble(Double::doubleValue).toArray(),
            obs.stream().mapToLong(Long::longValue).toArray());
  }

  /** Draws {@code n} samples. */
  public static long[] draw(int n, java.util.function.LongSupplier sampler) {
    long[] out = new long[n];
    for (int i = 0; i < n; i++) {
      out[i] = sampler.getAsLong();
    }
    return out;
  }

  /** The mean of x² (the variance when the mean is known to be 0). */
  public static double meanSquare(long[] samples) {
    double sum = 0;
    for (long s : samples) {
      sum += (double) s * s;
    }
    return sum / samples.length;
  }
}
