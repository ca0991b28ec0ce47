package org.privspark.core.aggregation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collections;
import java.util.List;
import org.apache.commons.math3.distribution.BinomialDistribution;
import org.apache.commons.math3.distribution.ChiSquaredDistribution;
import org.junit.jupiter.api.Test;
import org.privspark.core.mechanism.NoisyValue;
import org.privspark.core.noise.KeyedStreamSource;
import org.privspark.core.noise.Secret;

/**
 * {@link AggregationPlan#accuracy} against simulation: releases of one group whose exact quantities
 * are known, noised by the plan's own mechanisms, estimated by the plan's own derivations. The
 * predicted noise std must match the empirical spread and the 95% intervals must cover the exact
 * values.
 *
 * <p><b>False failures.</b> With N = 4,000 releases per statistic: a variance ratio outside the
 * chi-square interval at 1 − 10^-6 (two-sided, N degrees of freedom; exact for Gaussian noise and
 * within it for the heavier-tailed Laplace only to first order, so Laplace checks use the looser
 * ±15%, about 6 standard errors of the sample variance of Laplace noise), and coverage below the
 * binomial(N, 0.95) quantile at 10^-6 (or, for the count, whose interval is exact, above the
 * binomial(N, 0.96) quantile at 1 − 10^-6). At most 18·10^-6 in all. The secret is fixed, so the
 * outcome is reproducible.
 */
class AccuracyPredictionTest {
  static final int N = 4_000;
  static final long ROWS = 500;
  static final Secret SECRET = Secret.fromBytes(new byte[32]);

  static double unitBound(Quantity q) {
    return switch (q.kind()) {
      case ROWS, HISTOGRAM -> 10;
      case UNITS -> 1;
      case SUM -> 10 * 100;
      case CENTRED_SUM -> 10 * q.centering().bound();
      case CENTRED_SQUARES -> 10 * q.centering().squareBound();
    };
  }

  /**
   * A group of 500 rows: values 20, 40, 60, 80, 100 a hundred times each (mean 60, variance 800).
   */
  static double exact(Quantity q) {
    return switch (q.kind()) {
      case ROWS, UNITS -> ROWS;
      case SUM -> 100 * (20 + 40 + 60 + 80 + 100);
      case CENTRED_SUM -> 100 * (-30 - 10 + 10 + 30 + 50);
      case CENTRED_SQUARES -> 100 * (900 + 100 + 100 + 900 + 2500);
      case HISTOGRAM -> throw new IllegalStateException();
    };
  }

  static final double[] TRUTH = {ROWS, 30_000, 60, 800};

  @Test
  void laplace_predictedStdMatchesSpread_andIntervalsCover() {
    check(NoiseKind.LAPLACE, 0.15);
  }

  @Test
  void gaussian_predictedStdMatchesSpread_andIntervalsCover() {
    ChiSquaredDistribution chi = new ChiSquaredDistribution(N);
    check(
        NoiseKind.GAUSSIAN,
        Math.max(
            1 - chi.inverseCumulativeProbability(5e-7) / N,
            chi.inverseCumulativeProbability(1 - 5e-7) / N - 1));
  }

  private void check(NoiseKind kind, double varianceTolerance) {
    List<Statistic> stats =
        List.of(
            new BoundedCount(),
            new BoundedSum("v", 0, 100),
            new BoundedMean("v", 0, 100),
            new BoundedVariance("v", 0, 100, false));
    AggregationPlan plan =
        AggregationPlanner.plan(
            new AggregationRequest(
                stats,
                Collections.nCopies(4, 1.0),
                false,
                1,
                1,
                3,
                2.0,
                1e-6,
                kind,
                null,
                AccuracyPredictionTest::unitBound));
    QueryAccuracy predicted = plan.accuracy(ROWS);
    int count = plan.measurements().size();
    double[][] estimates = new double[stats.size()][N];
    int[] covered = new int[stats.size()];
    for (int r = 0; r < N; r++) {
      NoisyValue[] measured = new NoisyValue[count];
      for (int i = 0; i < count; i++) {
        PlannedMeasurement m = plan.measurements().get(i);
        measured[i] =
            m.mechanism()
                .release(
                    exact(m.quantity()),
                    KeyedStreamSource.forCell(SECRET, kind + "|" + m.name() + "|" + r));
      }
      for (int s = 0; s < stats.size(); s++) {
        Estimate e = plan.estimate(s, measured);
        estimates[s][r] = e.value();
        covered[s] += e.low() <= TRUTH[s] && TRUTH[s] <= e.high() ? 1 : 0;
      }
    }
    int minimum = new BinomialDistribution(N, 0.95).inverseCumulativeProbability(1e-6);
    for (int s = 0; s < stats.size(); s++) {
      assertThat(covered[s])
          .as("%s %s: intervals covering, of %d", kind, stats.get(s), N)
          .isGreaterThanOrEqualTo(minimum);
      if (s == 0) { // the count's interval is the noise's exact one: not wider than it needs to be
        int maximum = new BinomialDistribution(N, 0.96).inverseCumulativeProbability(1 - 1e-6);
        assertThat(covered[s])
            .as("%s count: intervals covering, of %d", kind, N)
            .isLessThanOrEqualTo(maximum);
      }
      if (s < 2) { // counts and sums are linear in the noise: the predicted std is exact
        double sq = 0;
        for (double v : estimates[s]) {
          sq += (v - TRUTH[s]) * (v - TRUTH[s]);
        }
        double ratio = sq / N / Math.pow(predicted.statistics().get(s).noiseStd(), 2);
        assertThat(ratio)
            .as("%s %s: empirical / predicted variance", kind, stats.get(s))
            .isBetween(1 - varianceTolerance, 1 + varianceTolerance);
      }
    }
  }
}
