package org.privspark.spark.ml.wrappers;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleBiFunction;
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
import org.privspark.core.audit.empirical.PrivacyLossAudit;
import org.privspark.core.noise.KeyedStreamSource;
import org.privspark.core.noise.NoiseSource;
import org.privspark.core.noise.ReleaseKey;
import org.privspark.core.noise.Secret;
import org.privspark.spark.SparkTestSession;

/**
 * Empirical privacy audits ({@link PrivacyLossAudit}) of the four wrappers at the level of the
 * privacy unit (issue 13, item 5): D has one-row units; D′ = D plus one unit "u" with K = 10 rows,
 * each far outside the public bounds (clipped). Each wrapper with {@code maxRowsPerUnit = K} must
 * stay within its claimed ε; the row-level mode ({@code rowIsUnit}, calibrated for one row) applied
 * to the same data, where the 10-row unit is taken for 10 units, must be flagged.
 *
 * <p><b>How a release is repeated.</b> As in {@link WrapperAuditTest}: the Spark part of a fit is
 * deterministic given its key, so it runs once per data set — the unit bound ({@link UnitRowBound},
 * the code {@code fit} runs, with a fixed key) and the statistics (or, for the logistic wrapper,
 * the minimiser) — and only the noisy release is repeated on the driver, each time from its own
 * keyed stream, with the mechanism of the wrapper's plan for k = K (honest) or k = 1 (row level).
 * In row-level mode the fit reads every row, as here.
 *
 * <p><b>Cases</b> (ε = 1; δ = 10⁻⁵ for the Gaussian wrappers). Naive Bayes: K = 2, d = 2, B = 1;
 * the unit's rows are x = (50, 0), y = 1; output noisy c₁ + noisy s₁₀. k-means: one cluster, d = 1,
 * box [0, 1], initial centre 0.5, one iteration; rows x = 50; output noisy count + noisy sum.
 * Linear regression: d = 1, no intercept, R = 1, labels [0, 1], ridge 1; rows x = 30, y = 1; output
 * the coefficient. Logistic regression: d = 1, no intercept, R = 1, Λ = 50 (large against the
 * data's curvature, so the unit moves θ by nearly Kζ/(2Λ), half the bound); rows x = 30, y = 1;
 * output the noisy coefficient. Claims: the charged event's ε at δ (pure ε for naive Bayes).
 *
 * <p><b>False failures.</b> Fixed secrets, so deterministic. For fresh secrets a correct case is
 * wrongly flagged with probability at most α = 10⁻⁶ (the harness's Clopper–Pearson bound), 4·10⁻⁶
 * for the four.
 */
class WrapperUnitAuditTest {
  static final double EPSILON = 1.0;
  static final double DELTA = 1e-5;
  static final int K = 10;
  static final int RELEASES = 20_000;
  static final int HEAVY_RELEASES = 200_000;

  private static final StructType SCHEMA =
      new StructType()
          .add("features", SQLDataTypes.VectorType())
          .add("label", DataTypes.DoubleType)
          .add("person", DataTypes.StringType);

  /**
   * One-row units "p0", … from {@code rows} (features…, label), plus K copies of {@code unitRow} as
   * unit "u".
   */
  private static Dataset<Row> frame(double[][] rows, double[] unitRow) {
    List<Row> out = new ArrayList<>();
    for (int i = 0; i < rows.length; i++) {
      out.add(row(rows[i], "p" + i));
    }
    for (int j = 0; unitRow != null && j < K; j++) {
      out.add(row(unitRow, "u"));
    }
    return SparkTestSession.get().createDataFrame(out, SCHEMA);
  }

  private static Row row(double[] r, String person) {
    return RowFactory.create(
        Vectors.dense(java.util.Arrays.copyOf(r, r.length - 1)), r[r.length - 1], person);
  }

  /** The rows a fit reads: bounded to k per unit (unit level), or all of them (row level). */
  private static JavaRDD<Row> rows(Dataset<Row> data, boolean unitLevel) {
    if (!unitLevel) {
      return data.select("features", "label").toJavaRDD();
    }
    Secret s = secret(100);
    return UnitRowBound.bound(
            data, "person", K, ReleaseKey.of(s, s.releaseId()), "features", "label")
        .toJavaRDD();
  }

  private static NoiseSource stream(int dataset, int release) {
    return KeyedStreamSource.forCell(secret(dataset), "audit-release/" + release);
  }

  private static double[] releases(
      int n, int dataset, ToDoubleBiFunction<NoiseSource, Integer> release) {
    double[] out = new double[n];
    for (int i = 0; i < n; i++) {
      out[i] = release.applyAsDouble(stream(dataset, i), i);
    }
    return out;
  }

  /** Exploration from data-set ids base + {0, 1}, certification from base + {2, 3}. */
  private static PrivacyLossAudit.Result audit(
      String name,
      int n,
      int base,
      double claim,
      double delta,
      java.util.function.Function<Boolean, ToDoubleBiFunction<NoiseSource, Integer>> onData) {
    ToDoubleBiFunction<NoiseSource, Integer> d = onData.apply(false);
    ToDoubleBiFunction<NoiseSource, Integer> dPrime = onData.apply(true);
    PrivacyLossAudit.Result r =
        PrivacyLossAudit.auditSamples(
            releases(n, base, d),
            releases(n, base + 1, dPrime),
            releases(n, base + 2, d),
            releases(n, base + 3, dPrime),
            PrivacyLossAudit.Options.of(n, delta));
    System.out.printf(Locale.ROOT, "%-60s claimed eps %.4f delta %s: %s%n", name, claim, delta, r);
    return r;
  }

  // ---- the four wrappers; unitLevel false = row-level mode on the same data ----

  static final double[][] NB_D = {
    {1, 0, 0}, {0, 1, 0}, {1, 0, 1}, {0, 1, 1}, {0.5, 0.5, 1}, {0, 1, 0}
  };
  static final double[][] LR_D = {
    {0.2, 0.3}, {-0.5, 0.1}, {0.9, 0.8}, {0.4, 0.6}, {-1.0, 0.0}, {0.7, 0.5}
  };
  static final double[][] LOGIT_D = {{0.2, 0}, {-0.5, 1}, {0.9, 1}, {0.4, 0}, {-1.0, 0}, {0.7, 1}};
  static final double[][] KM_D = {{0.1, 0}, {0.4, 0}, {0.6, 0}, {0.9, 0}, {0.3, 0}, {0.8, 0}};

  static NoisyCountNaiveBayes naiveBayes() {
    return new NoisyCountNaiveBayes()
        .setEpsilon(EPSILON)
        .setNumClasses(2)
        .setNumFeatures(2)
        .setMaxFeatureL1(1);
  }

  static NoisyLloydKMeans kMeans() {
    return new NoisyLloydKMeans()
        .setEpsilon(EPSILON)
        .setDelta(DELTA)
        .setK(1)
        .setNumFeatures(1)
        .setFeatureBounds(0, 1)
        .setMaxIter(1)
        .setInitialCenters(new double[][] {{0.5}});
  }

  static SufficientStatisticsLinearRegression linearRegression() {
    return new SufficientStatisticsLinearRegression()
        .setEpsilon(EPSILON)
        .setDelta(DELTA)
        .setNumFeatures(1)
        .setMaxFeatureNorm(1)
        .setLabelBounds(0, 1)
        .setFitIntercept(false)
        .setRidge(1);
  }

  static OutputPerturbationLogisticRegression logisticRegression() {
    return new OutputPerturbationLogisticRegression()
        .setEpsilon(EPSILON)
        .setDelta(DELTA)
        .setNumFeatures(1)
        .setMaxFeatureNorm(1)
        .setFitIntercept(false)
        .setRegParam(50);
  }

  static PrivacyLossAudit.Result auditNaiveBayes(boolean unitLevel, int n) {
    NoisyCountNaiveBayes.Plan plan = naiveBayes().plan(unitLevel ? K : 1);
    double claim = plan.laplace().eventFor(plan.dimension()).pureEpsilon();
    return audit(
        "naive bayes, " + mode(unitLevel),
        n,
        unitLevel ? 0 : 10,
        claim,
        0,
        prime -> {
          double[] s =
              NoisyCountNaiveBayes.statistics(
                  rows(frame(NB_D, prime ? new double[] {50, 0, 1} : null), unitLevel),
                  2,
                  2,
                  1,
                  false);
          return (src, i) -> {
            double[] v = plan.release(s, src).values();
            return v[1] + v[2 + 2]; // c₁ + s₁₀ (class 1's sums start at K + 1·d = 4)
          };
        });
  }

  static PrivacyLossAudit.Result auditKMeans(boolean unitLevel, int n) {
    NoisyLloydKMeans.Plan plan = kMeans().plan(unitLevel ? K : 1);
    double claim = WrapperSupport.epsilonOf(plan.event(), DELTA);
    return audit(
        "k-means, " + mode(unitLevel),
        n,
        unitLevel ? 20 : 30,
        claim,
        DELTA,
        prime -> {
          double[] s =
              NoisyLloydKMeans.statistics(
                  rows(frame(KM_D, prime ? new double[] {50, 0} : null), unitLevel),
                  new double[][] {{0.5}},
                  1,
                  0,
                  1,
                  Double.POSITIVE_INFINITY);
          return (src, i) -> {
            double[] v = plan.release(s, src);
            return v[0] + v[1]; // count + sum of the one cluster
          };
        });
  }

  static PrivacyLossAudit.Result auditLinearRegression(boolean unitLevel, int n) {
    SufficientStatisticsLinearRegression.Plan plan = linearRegression().plan(unitLevel ? K : 1);
    double claim = WrapperSupport.epsilonOf(plan.event(), DELTA);
    return audit(
        "linear regression, " + mode(unitLevel),
        n,
        unitLevel ? 40 : 50,
        claim,
        DELTA,
        prime -> {
          double[] s =
              SufficientStatisticsLinearRegression.statistics(
                  rows(frame(LR_D, prime ? new double[] {30, 1} : null), unitLevel),
                  1,
                  false,
                  1,
                  0,
                  1);
          return (src, i) -> plan.solve(plan.release(s, src))[0];
        });
  }

  static PrivacyLossAudit.Result auditLogisticRegression(boolean unitLevel, int n) {
    OutputPerturbationLogisticRegression.Plan plan = logisticRegression().plan(unitLevel ? K : 1);
    double claim = WrapperSupport.epsilonOf(plan.event(), DELTA);
    return audit(
        "logistic regression, " + mode(unitLevel),
        n,
        unitLevel ? 60 : 70,
        claim,
        DELTA,
        prime -> {
          double[] theta =
              plan.solver()
                  .minimise(rows(frame(LOGIT_D, prime ? new double[] {30, 1} : null), unitLevel));
          return (src, i) -> plan.release(theta, src)[0];
        });
  }

  private static String mode(boolean unitLevel) {
    return unitLevel ? "unit level, k = " + K : "row level on a " + K + "-row unit";
  }

  private static double claim(String wrapper, boolean unitLevel) {
    int k = unitLevel ? K : 1;
    return switch (wrapper) {
      case "nb" -> naiveBayes().plan(k).event().pureEpsilon();
      case "km" -> WrapperSupport.epsilonOf(kMeans().plan(k).event(), DELTA);
      case "lr" -> WrapperSupport.epsilonOf(linearRegression().plan(k).event(), DELTA);
      default -> WrapperSupport.epsilonOf(logisticRegression().plan(k).event(), DELTA);
    };
  }

  @Test
  void audit_naiveBayes_unitLevel_staysWithinClaimedEpsilon_rowLevelIsFlagged() {
    assertThat(auditNaiveBayes(true, RELEASES).epsilonLowerBound())
        .isLessThanOrEqualTo(claim("nb", true));
    assertThat(auditNaiveBayes(false, RELEASES).epsilonLowerBound())
        .isGreaterThan(claim("nb", false));
  }

  @Test
  void audit_kMeans_unitLevel_staysWithinClaimedEpsilon_rowLevelIsFlagged() {
    assertThat(auditKMeans(true, RELEASES).epsilonLowerBound())
        .isLessThanOrEqualTo(claim("km", true));
    assertThat(auditKMeans(false, RELEASES).epsilonLowerBound()).isGreaterThan(claim("km", false));
  }

  @Test
  void audit_linearRegression_unitLevel_staysWithinClaimedEpsilon_rowLevelIsFlagged() {
    assertThat(auditLinearRegression(true, RELEASES).epsilonLowerBound())
        .isLessThanOrEqualTo(claim("lr", true));
    assertThat(auditLinearRegression(false, RELEASES).epsilonLowerBound())
        .isGreaterThan(claim("lr", false));
  }

  @Test
  void audit_logisticRegression_unitLevel_staysWithinClaimedEpsilon_rowLevelIsFlagged() {
    assertThat(auditLogisticRegression(true, RELEASES).epsilonLowerBound())
        .isLessThanOrEqualTo(claim("logit", true));
    assertThat(auditLogisticRegression(false, RELEASES).epsilonLowerBound())
        .isGreaterThan(claim("logit", false));
  }

  @Test
  @Tag("reliability")
  void audit_unitLevelWrappers_heavyReleases() {
    List<String> failures = new ArrayList<>();
    for (boolean unitLevel : new boolean[] {true, false}) {
      check(
          failures, auditNaiveBayes(unitLevel, HEAVY_RELEASES), claim("nb", unitLevel), !unitLevel);
      check(failures, auditKMeans(unitLevel, HEAVY_RELEASES), claim("km", unitLevel), !unitLevel);
      check(
          failures,
          auditLinearRegression(unitLevel, HEAVY_RELEASES),
          claim("lr", unitLevel),
          !unitLevel);
      check(
          failures,
          auditLogisticRegression(unitLevel, HEAVY_RELEASES),
          claim("logit", unitLevel),
          !unitLevel);
    }
    assertThat(failures).isEmpty();
  }

  private static void check(
      List<String> failures, PrivacyLossAudit.Result r, double claim, boolean broken) {
    if ((r.epsilonLowerBound() > claim) != broken) {
      failures.add(r.toString());
    }
  }

  /** A fixed secret per data set and phase: tests may fix secrets. */
  private static Secret secret(int tag) {
    byte[] b = new byte[Secret.LENGTH];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) (29 * i + 7);
    }
    b[0] = (byte) tag;
    return Secret.fromBytes(b);
  }
}
