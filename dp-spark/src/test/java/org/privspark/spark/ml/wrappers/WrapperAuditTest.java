package org.privspark.spark.ml.wrappers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.privspark.core.accounting.PrivacyBudget;
import org.privspark.core.audit.empirical.PrivacyLossAudit;
import org.privspark.core.noise.KeyedStreamSource;
import org.privspark.core.noise.NoiseSource;
import org.privspark.core.noise.ReleaseKey;
import org.privspark.core.noise.Secret;
import org.privspark.spark.SparkTestSession;

/**
 * Empirical privacy audits ({@link PrivacyLossAudit}) of {@link NoisyCountNaiveBayes} and {@link
 * SufficientStatisticsLinearRegression} on neighbouring data sets D and D' = D plus one row far
 * outside the public bounds.
 *
 * <p><b>How a release is repeated.</b> A wrapper's fit is one Spark pass that computes its exact,
 * clipped statistics ({@code statistics(...)}, the code {@code fit} runs), then one noisy release
 * on the driver ({@code releaseStatistics} / {@code release}, from the noise cell of the release
 * secret). The pass is deterministic, so the test runs it once per data set on Spark and repeats
 * only the release, with a distinct keyed stream per release: the distribution of many fits with
 * distinct secrets, at the cost of one pass. {@code fit_withReleaseSecret_equalsTheAuditedRelease}
 * checks that a real {@code fit(...)} with a release secret returns exactly the model of the
 * audited release from that secret's noise cell.
 *
 * <p><b>Cases.</b>
 *
 * <ul>
 *   <li>Naive Bayes (multinomial, K = 2, d = 2, B = ‖x‖₁ ≤ 1, ε = 1): the extra row is x = (50, 0),
 *       y = 1, clipped to (1, 0). Output: noisy c₁ + noisy s₁₀ (class 1's count and its first
 *       feature sum, the two numbers the row moves; the model's π and θ are post-processing of the
 *       noisy vector). Claim: the pure ε of the charged event.
 *   <li>Linear regression (sufficient statistics, d = 1, no intercept, R = 1, labels in [0, 1], ε =
 *       1, δ = 10^-5, ridge 1): the extra row is x = 30, y = 1, clipped to x = 1. Output: the
 *       model's coefficient. Claim: the charged event's ε at δ.
 * </ul>
 *
 * <b>Broken variants: clipping disabled.</b> The statistics are computed without the bound
 * (maxFeatureL1 = 10^9; for the regression R = 30, rescaled to the honest units), then released
 * with the honest wrapper's noise, calibrated for the bound.
 *
 * <p><b>False failures.</b> Fixed secrets, so deterministic. For fresh secrets a correct release is
 * wrongly flagged with probability at most α = 10^-6 per case (the harness's Clopper–Pearson
 * bound), 2·10^-6 for the two.
 */
class WrapperAuditTest {
  static final double EPSILON = 1.0;
  static final double DELTA = 1e-5;
  static final int RELEASES = 20_000;
  static final int HEAVY_RELEASES = 200_000;

  private static final StructType SCHEMA =
      new StructType()
          .add("features", SQLDataTypes.VectorType())
          .add("label", DataTypes.DoubleType);

  private static Dataset<Row> frame(double[][] rows) {
    List<Row> out = new ArrayList<>();
    for (double[] r : rows) {
      double[] x = java.util.Arrays.copyOf(r, r.length - 1);
      out.add(RowFactory.create(Vectors.dense(x), r[r.length - 1]));
    }
    return SparkTestSession.get().createDataFrame(out, SCHEMA);
  }

  private static JavaRDD<Row> rdd(double[][] rows) {
    return frame(rows).select("features", "label").toJavaRDD();
  }

  // Naive Bayes: rows (x₀, x₁, y).
  static final double[][] NB_D = {
    {1, 0, 0}, {0, 1, 0}, {1, 0, 1}, {0, 1, 1}, {0.5, 0.5, 1}, {0, 1, 0}
  };
  static final double[][] NB_D_PRIME = append(NB_D, new double[] {50, 0, 1});

  // Linear regression: rows (x, y).
  static final double[][] LR_D = {
    {0.2, 0.3}, {-0.5, 0.1}, {0.9, 0.8}, {0.4, 0.6}, {-1.0, 0.0}, {0.7, 0.5}
  };
  static final double[][] LR_D_PRIME = append(LR_D, new double[] {30, 1});

  private static double[][] append(double[][] rows, double[] row) {
    double[][] out = java.util.Arrays.copyOf(rows, rows.length + 1);
    out[rows.length] = row;
    return out;
  }

  private static NoisyCountNaiveBayes naiveBayes(Secret secret) {
    NoisyCountNaiveBayes b =
        new NoisyCountNaiveBayes()
            .setRowIsUnit(true)
            .setEpsilon(EPSILON)
            .setNumClasses(2)
            .setNumFeatures(2)
            .setMaxFeatureL1(1)
            .setSmoothing(1)
            .setBudget(PrivacyBudget.inMemory(1e6, 0.5));
    return (secret == null ? b : b.setReleaseSecret(secret));
  }

  private static SufficientStatisticsLinearRegression linearRegression(Secret secret) {
    SufficientStatisticsLinearRegression b =
        new SufficientStatisticsLinearRegression()
            .setRowIsUnit(true)
            .setEpsilon(EPSILON)
            .setDelta(DELTA)
            .setNumFeatures(1)
            .setMaxFeatureNorm(1)
            .setLabelBounds(0, 1)
            .setFitIntercept(false)
            .setRidge(1)
            .setBudget(PrivacyBudget.inMemory(1e6, 0.5));
    return (secret == null ? b : b.setReleaseSecret(secret));
  }

  /** NB statistics (counts, then sums) of the rows; {@code maxL1} 10^9 disables clipping. */
  private static double[] nbStatistics(double[][] rows, double maxL1) {
    return NoisyCountNaiveBayes.statistics(rdd(rows), 2, 2, maxL1, false);
  }

  /**
   * Scaled regression statistics; {@code clip} false computes them unclipped (R = 30), in honest
   * units.
   */
  private static double[] lrStatistics(double[][] rows, boolean clip) {
    if (clip) {
      return SufficientStatisticsLinearRegression.statistics(rdd(rows), 1, false, 1, 0, 1);
    }
    double r = 30;
    double[] s = SufficientStatisticsLinearRegression.statistics(rdd(rows), 1, false, r, 0, 1);
    // Gram entries are divided by R², moments by R·h: undo R = 30, redo R = 1.
    return new double[] {s[0] * r * r, s[1] * r};
  }

  /** n releases from the fixed statistics, release i from its own keyed stream. */
  private static double[] nbReleases(double[] stats, int n, int dataset) {
    NoisyCountNaiveBayes nb = naiveBayes(null);
    double[] out = new double[n];
    for (int i = 0; i < n; i++) {
      double[] v = nb.plan(1).release(stats, stream(dataset, i)).values();
      out[i] = v[1] + v[2 + 2]; // c₁ + s₁₀ (class 1's sums start at K + 1·d = 4)
    }
    return out;
  }

  private static double[] lrReleases(double[] stats, int n, int dataset) {
    SufficientStatisticsLinearRegression lr = linearRegression(null);
    double[] out = new double[n];
    for (int i = 0; i < n; i++) {
      out[i] = lr.plan(1).solve(lr.plan(1).release(stats, stream(dataset, i)))[0];
    }
    return out;
  }

  private static NoiseSource stream(int dataset, int release) {
    return KeyedStreamSource.forCell(secret(dataset), "audit-release/" + release);
  }

  private static PrivacyLossAudit.Result audit(
      String name, double[] d1, double[] d2, double[] c1, double[] c2, double claim, double delta) {
    PrivacyLossAudit.Result r =
        PrivacyLossAudit.auditSamples(
            d1, d2, c1, c2, PrivacyLossAudit.Options.of(c1.length, delta));
    System.out.printf(Locale.ROOT, "%-50s claimed eps %.4f delta %s: %s%n", name, claim, delta, r);
    return r;
  }

  /** Exploration from data-set ids {0, 1}, certification from {2, 3}: four independent samples. */
  static PrivacyLossAudit.Result auditNaiveBayes(boolean clip, int n) {
    double bound = clip ? 1 : 1e9;
    double[] s = nbStatistics(NB_D, bound);
    double[] sPrime = nbStatistics(NB_D_PRIME, bound);
    int base = clip ? 0 : 10;
    return audit(
        "naive bayes" + (clip ? ", clipped to B = 1" : ", clipping disabled"),
        nbReleases(s, n, base),
        nbReleases(sPrime, n, base + 1),
        nbReleases(s, n, base + 2),
        nbReleases(sPrime, n, base + 3),
        naiveBayes(null).cost().pureEpsilon(),
        0);
  }

  static PrivacyLossAudit.Result auditLinearRegression(boolean clip, int n) {
    double[] s = lrStatistics(LR_D, clip);
    double[] sPrime = lrStatistics(LR_D_PRIME, clip);
    int base = clip ? 20 : 30;
    return audit(
        "linear regression" + (clip ? ", clipped to R = 1" : ", clipping disabled"),
        lrReleases(s, n, base),
        lrReleases(sPrime, n, base + 1),
        lrReleases(s, n, base + 2),
        lrReleases(sPrime, n, base + 3),
        lrClaim(),
        DELTA);
  }

  static double lrClaim() {
    return WrapperSupport.epsilonOf(linearRegression(null).cost(), DELTA);
  }

  @Test
  void audit_naiveBayes_clipped_staysWithinClaimedEpsilon() {
    assertThat(auditNaiveBayes(true, RELEASES).epsilonLowerBound())
        .isLessThanOrEqualTo(naiveBayes(null).cost().pureEpsilon());
  }

  @Test
  void audit_naiveBayes_clippingDisabled_isFlagged() {
    assertThat(auditNaiveBayes(false, RELEASES).epsilonLowerBound())
        .isGreaterThan(naiveBayes(null).cost().pureEpsilon());
  }

  @Test
  void audit_linearRegression_clipped_staysWithinClaimedEpsilon() {
    assertThat(auditLinearRegression(true, RELEASES).epsilonLowerBound())
        .isLessThanOrEqualTo(lrClaim());
  }

  @Test
  void audit_linearRegression_clippingDisabled_isFlagged() {
    assertThat(auditLinearRegression(false, RELEASES).epsilonLowerBound()).isGreaterThan(lrClaim());
  }

  @Test
  @Tag("reliability")
  void audit_wrappers_heavyReleases() {
    List<String> failures = new ArrayList<>();
    double nbClaim = naiveBayes(null).cost().pureEpsilon();
    check(failures, auditNaiveBayes(true, HEAVY_RELEASES), nbClaim, false);
    check(failures, auditNaiveBayes(false, HEAVY_RELEASES), nbClaim, true);
    check(failures, auditLinearRegression(true, HEAVY_RELEASES), lrClaim(), false);
    check(failures, auditLinearRegression(false, HEAVY_RELEASES), lrClaim(), true);
    assertThat(failures).isEmpty();
  }

  private static void check(
      List<String> failures, PrivacyLossAudit.Result r, double claim, boolean broken) {
    if ((r.epsilonLowerBound() > claim) != broken) {
      failures.add(r.toString());
    }
  }

  /** The audited release is the one fit makes: same secret, same noise cell, same model. */
  @Test
  void fit_withReleaseSecret_equalsTheAuditedRelease() {
    Secret s = secret(99);
    NoisyCountNaiveBayesModel nb = naiveBayes(s).fit(frame(NB_D_PRIME));
    double[] v =
        naiveBayes(null)
            .plan(1)
            .release(
                nbStatistics(NB_D_PRIME, 1),
                WrapperSupport.source(ReleaseKey.of(s, s.releaseId()), "naive-bayes/statistics"))
            .values(); // bound to its charge
    double c0 = Math.max(0, v[0]);
    double c1 = Math.max(0, v[1]);
    assertThat(nb.pi().apply(1)).isCloseTo(Math.log((c1 + 1) / (c0 + c1 + 2)), within(1e-12));

    SufficientStatisticsLinearRegressionModel lr = linearRegression(s).fit(frame(LR_D_PRIME));
    SufficientStatisticsLinearRegression plain = linearRegression(null);
    double coefficient =
        plain.plan(1)
            .solve(
                plain
                    .plan(1)
                    .release(
                        lrStatistics(LR_D_PRIME, true),
                        WrapperSupport.source(
                            ReleaseKey.of(s, s.releaseId()), "linear-regression/statistics")))[0];
    assertThat(lr.coefficients().apply(0)).isCloseTo(coefficient, within(1e-12));
  }

  /** A fixed secret per data set and phase: tests may fix secrets. */
  private static Secret secret(int tag) {
    byte[] b = new byte[Secret.LENGTH];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) (23 * i + 5);
    }
    b[0] = (byte) tag;
    return Secret.fromBytes(b);
  }
}
