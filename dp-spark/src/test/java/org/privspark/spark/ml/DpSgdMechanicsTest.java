package org.privspark.spark.ml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.apache.commons.math3.distribution.BinomialDistribution;
import org.apache.commons.math3.distribution.ChiSquaredDistribution;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.commons.math3.stat.inference.KolmogorovSmirnovTest;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.junit.jupiter.api.Test;
import org.privspark.core.accounting.OrderGrid;
import org.privspark.core.mechanism.GaussianMechanism;
import org.privspark.core.mechanism.NoisyVector;
import org.privspark.core.noise.KeyedStreamSource;
import org.privspark.core.noise.Secret;

/**
 * The three mechanics of a DP-SGD step, without Spark: clipping, Poisson sampling and the Gaussian
 * noise. The statistical tests use fixed secrets (so each run is deterministic) and state their
 * false-failure probability; together they fail falsely with probability at most 4·10^-6.
 */
class DpSgdMechanicsTest {
  /** A fixed secret: tests may fix secrets; production code draws them with Secret.generate(). */
  private static Secret secret(int tag) {
    byte[] b = new byte[Secret.LENGTH];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) (17 * i + tag);
    }
    return Secret.fromBytes(b);
  }

  private static Vector randomFeatures(SplittableRandom r, int d, boolean sparse) {
    double scale = Math.exp(r.nextDouble(-5, 5)); // norms from about 0.01 to 150
    if (sparse) {
      int[] idx = {r.nextInt(d / 2), d / 2 + r.nextInt(d / 2)};
      return Vectors.sparse(
          d, idx, new double[] {scale * r.nextGaussian(), scale * r.nextGaussian()});
    }
    double[] x = new double[d];
    for (int i = 0; i < d; i++) {
      x[i] = scale * r.nextGaussian();
    }
    return Vectors.dense(x);
  }

  @Test
  void addClippedGradient_tenThousandExamples_everyGradientWithinClipNorm() {
    SplittableRandom r = new SplittableRandom(1);
    int d = 8;
    double clip = 0.7;
    int clipped = 0;
    for (DpSgd.Loss loss : DpSgd.Loss.values()) {
      for (int i = 0; i < 10_000; i++) {
        double[] w = new double[d + 1];
        for (int k = 0; k < w.length; k++) {
          w[k] = 3 * r.nextGaussian();
        }
        double label = loss == DpSgd.Loss.LOGISTIC ? r.nextInt(2) : 100 * r.nextGaussian();
        DpSgd.Example e = new DpSgd.Example(label, randomFeatures(r, d, i % 2 == 0));
        double[] acc = new double[d + 1];
        double reported = DpSgd.addClippedGradient(w, d, true, e, loss, clip, acc);
        double norm = DpSgd.norm(acc);
        assertThat(norm).as("clipped gradient norm").isLessThanOrEqualTo(clip * (1 + 1e-12));
        assertThat(reported).isCloseTo(norm, within(1e-12 * Math.max(1, norm)));
        // An unclipped gradient is the exact gradient ℓ'(z)·(x, 1).
        double rr = loss.derivative(DpSgd.margin(w, d, true, e.features), label);
        double raw = Math.abs(rr) * Math.hypot(e.norm, 1);
        if (raw <= DpSgd.clipTarget(clip)) {
          assertThat(acc[d]).isCloseTo(rr, within(1e-12));
        } else {
          clipped++;
          assertThat(norm).isCloseTo(clip, within(1e-9));
        }
      }
    }
    assertThat(clipped).as("the test must exercise clipping").isGreaterThan(1000);
  }

  @Test
  void addClippedGradient_nonFiniteFeatures_addsNothing() {
    double[] acc = new double[3];
    DpSgd.Example e = new DpSgd.Example(1, Vectors.dense(Double.NaN, 1));
    assertThat(DpSgd.addClippedGradient(new double[3], 2, true, e, DpSgd.Loss.LOGISTIC, 1, acc))
        .isZero();
    assertThat(acc).containsOnly(0.0);
  }

  /**
   * n = 200,000 trials at q = 0.0314 (Adult's 1024/32561) over 4 partitions' streams. The count of
   * inclusions is Binomial(n, q) exactly when the sampler is right; the test accepts the central
   * region whose two tails have probability at most 10^-6 each: false-failure probability ≤
   * 2·10^-6.
   */
  @Test
  void poissonSampling_200kTrials_realisedRateMatchesQ() {
    double q = 1024.0 / 32_561;
    int perPartition = 50_000;
    int partitions = 4;
    Secret s = secret(3);
    long hits = 0;
    for (int p = 0; p < partitions; p++) {
      KeyedStreamSource source = KeyedStreamSource.forCell(s, DpSgd.sampleCell(7, p));
      for (int i = 0; i < perPartition; i++) {
        if (DpSgd.sampled(q, source)) {
          hits++;
        }
      }
    }
    int n = perPartition * partitions;
    BinomialDistribution b = new BinomialDistribution(null, n, q);
    int lo = b.inverseCumulativeProbability(1e-6);
    int hi = b.inverseCumulativeProbability(1 - 1e-6);
    System.out.printf(
        "Poisson sampling: %d of %d rows at q=%.6f (expected %.1f, accepted [%d, %d])%n",
        hits, n, q, n * q, lo, hi);
    assertThat(hits).isBetween((long) lo, (long) hi);
  }

  @Test
  void poissonSampling_sameCellTwice_sameSample_otherStep_otherSample() {
    Secret s = secret(4);
    boolean[] first = mask(s, 3, 1);
    assertThat(mask(s, 3, 1)).isEqualTo(first);
    assertThat(mask(s, 4, 1)).isNotEqualTo(first);
    assertThat(mask(s, 3, 2)).isNotEqualTo(first);
  }

  private static boolean[] mask(Secret s, long step, int partition) {
    KeyedStreamSource source = KeyedStreamSource.forCell(s, DpSgd.sampleCell(step, partition));
    boolean[] m = new boolean[2000];
    for (int i = 0; i < m.length; i++) {
      m[i] = DpSgd.sampled(0.5, source);
    }
    return m;
  }

  /**
   * 2,000 steps of a 10-coordinate zero gradient: 20,000 noise draws at the step mechanism of z =
   * 1.3, C = 2. (a) Variance: Σx²/σ² is χ²(20,000) for N(0, σ²) noise with σ = z·C; the test
   * accepts the central region with tails of 10^-6 each (false-failure probability 2·10^-6; the
   * mechanism's σ exceeds z·C by a relative 10^-7 at most, far below the test's resolution of about
   * 1%). (b) Shape: Kolmogorov–Smirnov against N(0, z·C), rejected at p &lt; 10^-6 (false-failure
   * probability 10^-6; the discrete Gaussian on a grid of σ·2^-26 is within 10^-7 of the normal in
   * KS distance).
   */
  @Test
  void stepNoise_20kDraws_standardDeviationIsNoiseMultiplierTimesClipNorm() {
    double z = 1.3;
    double clip = 2;
    DpSgdPlan plan =
        new DpSgdPlan(0.01, z, clip, 1, 100, 100, 1e-5, OrderGrid.defaults(), 10_000, 0);
    GaussianMechanism mechanism = DpSgd.stepMechanism(plan);
    Secret s = secret(5);
    int steps = 2000;
    int dim = 10;
    double[] draws = new double[steps * dim];
    double sumSquares = 0;
    double reportedStd = 0;
    for (int t = 0; t < steps; t++) {
      NoisyVector v = DpSgd.noisySum(mechanism, new double[dim], s, t);
      reportedStd = v.noiseStd();
      for (int k = 0; k < dim; k++) {
        draws[t * dim + k] = v.value(k);
        sumSquares += v.value(k) * v.value(k);
      }
    }
    double sigma = z * clip;
    assertThat(reportedStd).isCloseTo(sigma, within(1e-6 * sigma)).isGreaterThanOrEqualTo(sigma);
    ChiSquaredDistribution chi = new ChiSquaredDistribution(null, draws.length);
    double statistic = sumSquares / (sigma * sigma);
    System.out.printf(
        "step noise: empirical std %.5f, z*C %.5f, chi2 %.1f on %d dof%n",
        Math.sqrt(sumSquares / draws.length), sigma, statistic, draws.length);
    assertThat(statistic)
        .isBetween(
            chi.inverseCumulativeProbability(1e-6), chi.inverseCumulativeProbability(1 - 1e-6));
    double p =
        new KolmogorovSmirnovTest()
            .kolmogorovSmirnovTest(new NormalDistribution(null, 0, sigma, 1e-9), draws);
    assertThat(p).isGreaterThan(1e-6);
  }

  @Test
  void stepNoise_sameStepTwice_identicalNoise() {
    DpSgdPlan plan =
        new DpSgdPlan(0.01, 1.0, 1.0, 1, 100, 100, 1e-5, OrderGrid.defaults(), 10_000, 0);
    GaussianMechanism mechanism = DpSgd.stepMechanism(plan);
    Secret s = secret(6);
    double[] sum = {0.5, -2, 3};
    assertThat(DpSgd.noisySum(mechanism, sum, s, 9).values())
        .isEqualTo(DpSgd.noisySum(mechanism, sum, s, 9).values())
        .isNotEqualTo(DpSgd.noisySum(mechanism, sum, s, 10).values());
  }
}
