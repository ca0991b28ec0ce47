package org.privspark.spark.ml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.privspark.core.accounting.PrivacyBudget;
import org.privspark.core.accounting.SampledGaussianEvent;
import org.privspark.core.noise.ReleaseKey;
import org.privspark.core.noise.Secret;
import org.privspark.spark.SparkTestSession;
import org.privspark.spark.ml.params.UnitGradient;

/**
 * Adaptive clipping in DP-SGD (Andrew et al. 2021, Algorithm 1, geometric update): the noise split
 * and the unchanged charge, the refusals before the charge, convergence of C to the target
 * quantile, persistence, and one indicator per unit.
 */
class DpSgdAdaptiveClippingTest {
  @TempDir Path dir;

  private static DPLogisticRegression adaptive(PrivacyBudget budget) {
    return new DPLogisticRegression()
        .setRowIsUnit(true)
        .setBudget(budget)
        .setExpectedBatchSize(200)
        .setNumUnits(4000)
        .setEpochs(2)
        .setNumFeatures(1)
        .setNoiseMultiplier(1.1)
        .setAdaptiveClipping(true);
  }

  /**
   * (1) The noise split: with σ_b unset, σ_b = B/20 = 10 and z_Δ = (z^-2 − (2σ_b)^-2)^-1/2; the
   * pair's multiplier (z_Δ^-2 + (2σ_b)^-2)^-1/2 is z to 1e-9 and never below it; the charged event
   * is exactly the fixed-C run's {@code SampledGaussianEvent(q, z, steps)}.
   */
  @Test
  void plan_adaptive_gradientNoiseIsZDelta_andTheChargedEventIsUnchanged() {
    PrivacyBudget budget = PrivacyBudget.inMemory(10, 1e-5);
    double z = 1.1;
    DpSgdPlan fixed = adaptive(budget).setAdaptiveClipping(false).plan();
    for (Double sigmaB : new Double[] {null, 0.6, 3.0}) {
      DPLogisticRegression lr = adaptive(budget);
      if (sigmaB != null) {
        lr.setClipCountNoiseStd(sigmaB);
      }
      DpSgdPlan plan = lr.plan();
      double s = sigmaB == null ? 200.0 / 20 : sigmaB;
      double expected = 1 / Math.sqrt(1 / (z * z) - 1 / (4 * s * s));
      assertThat(plan.adaptive()).isTrue();
      assertThat(plan.adaptiveClip().countNoiseStd()).isEqualTo(s);
      assertThat(plan.gradientNoiseMultiplier())
          .isCloseTo(expected, within(1e-9 * expected))
          .isGreaterThan(z);
      double zDelta = plan.gradientNoiseMultiplier();
      double pair = 1 / Math.sqrt(1 / (zDelta * zDelta) + 1 / (4 * s * s));
      assertThat(pair).isCloseTo(z, within(1e-9 * z)).isGreaterThanOrEqualTo(z);
      assertThat(plan.event())
          .isEqualTo(new SampledGaussianEvent(0.05, z, 40))
          .isEqualTo(fixed.event());
      assertThat(plan.epsilon()).isEqualTo(fixed.epsilon());
      assertThat(DpSgd.stepMechanism(plan, 3.0).sigma()).isGreaterThanOrEqualTo(zDelta * 3.0);
    }
    assertThat(fixed.gradientNoiseMultiplier()).isEqualTo(z);
    assertThat(budget.spent().epsilon()).isZero();
  }

  /**
   * (2) Refusals before the charge: 2σ_b ≤ z (set, or the default B/20 for a small batch) and a
   * counted N with σ_b unset. Each names clipCountNoiseStd (and the minimum z/2), and the budget is
   * untouched.
   */
  @Test
  void fit_countNoiseTooSmall_isRefusedBeforeTheCharge() {
    PrivacyBudget budget = PrivacyBudget.inMemory(10, 1e-5);
    Dataset<Row> data = synthetic(100, 0.5);
    // 2σ_b = z exactly: no z_Δ exists.
    assertThatThrownBy(() -> adaptive(budget).setClipCountNoiseStd(0.55).fit(data))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("clipCountNoiseStd must be > noiseMultiplier / 2 = 0.55")
        .hasMessageContaining("got 0.55");
    // Default σ_b = B/20 = 0.5 for B = 10: 2σ_b = 1 < z = 1.1.
    assertThatThrownBy(() -> adaptive(budget).setExpectedBatchSize(10).fit(data))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("clipCountNoiseStd")
        .hasMessageContaining("expectedBatchSize / 20");
    // N counted: B is unknown before the charge, so σ_b must be set.
    assertThatThrownBy(
            () ->
                new DPLogisticRegression()
                    .setRowIsUnit(true)
                    .setBudget(budget)
                    .setSampleRate(0.05)
                    .setNumUnitsNoiseStd(10)
                    .setNumFeatures(1)
                    .setNoiseMultiplier(1.1)
                    .setAdaptiveClipping(true)
                    .fit(data))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("clipCountNoiseStd must be set");
    assertThatThrownBy(() -> adaptive(budget).setTargetUnclippedQuantile(1.0))
        .hasMessageContaining("targetUnclippedQuantile");
    assertThatThrownBy(() -> adaptive(budget).setClipLearningRate(0))
        .hasMessageContaining("clipLearningRate");
    assertThat(budget.spent()).isEqualTo(PrivacyBudget.inMemory(10, 1e-5).spent());
    assertThat(budget.spent().epsilon()).isZero();
  }

  /**
   * (3) C converges to the γ-quantile of the units' gradient norms. 4,000 one-row units, x_i = 4(i
   * + ½)/4000, label 0, no intercept, a learning rate of 1e-12 (so w stays within 1e-8 of 0, which
   * moves each norm by a relative 10^-7 at most): unit i's gradient norm is (sigmoid(0) − 0)·x_i =
   * x_i/2, uniform on (0, 2), whose γ-quantile is 2γ. q = 0.05 (B = 200, σ_b = B/20 = 10), z = 1,
   * 200 steps, η_C = 0.2, γ = 0.3 and 0.8 (quantiles 0.6 and 1.6), each from C₀ = 0.02 and from C₀
   * = 50 (30 to 80 times too small, 30 to 80 times too large).
   *
   * <p><b>Tolerance</b>: the final C within a factor 1.25 of 2γ. Near the quantile b̃ − γ ≈ (C/2 −
   * γ) + e with e the count's noise σ_b/B = 0.05 plus sampling noise √(¼/B) ≈ 0.035 (so sd 0.061),
   * and log C follows log C' = log C − η_C(b̃ − γ): linearised, an AR(1) in log(C/2γ) with
   * coefficient 1 − η_C·γ (the norms' density times C is γ at the quantile), in [0.84, 0.94], and
   * innovation sd 0.2·0.061 = 0.0122, so a stationary sd of at most 0.0122/√(1 − 0.94²) = 0.036.
   * Far below the quantile log C rises by about η_C·γ a step, far above it falls by η_C(1 − γ), so
   * reaching it takes at most ln(50/1.6)/(0.2·0.2) ≈ 86 steps (γ = 0.8 from 50); the remaining 114
   * leave a residual below 0.94^114 = 9·10^-4 of the start. ln 1.25 = 0.22 is 6 stationary sd: a
   * false failure has probability about 2·10^-9 per run for a random secret; the secrets are fixed,
   * so the test is deterministic.
   */
  @Test
  void train_adaptive_clipNormConvergesToTheTargetQuantile() {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(SparkTestSession.get().sparkContext());
    int n = 4000;
    List<DpSgd.Example[]> units = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      units.add(new DpSgd.Example[] {new DpSgd.Example(0, Vectors.dense(4 * (i + 0.5) / n))});
    }
    JavaRDD<DpSgd.Example[]> rdd = jsc.parallelize(units, 2).cache();
    double q = 0.05;
    try {
      int tag = 0;
      for (double gamma : new double[] {0.3, 0.8}) {
        for (double c0 : new double[] {0.02, 50}) {
          double z = 1.0;
          double sigmaB = q * n / 20;
          DpSgdPlan plan =
              new DpSgdPlan(
                  q,
                  z,
                  c0,
                  10,
                  20,
                  200,
                  1e-5,
                  org.privspark.core.accounting.OrderGrid.defaults(),
                  n,
                  0,
                  new DpSgdPlan.AdaptiveClip(
                      gamma,
                      0.2,
                      sigmaB,
                      DpSgdPlan.AdaptiveClip.gradientNoiseMultiplier(z, sigmaB)));
          DpSgd.Settings s =
              new DpSgd.Settings(
                  plan,
                  DpSgd.Loss.LOGISTIC,
                  UnitGradient.MEAN,
                  false,
                  1e-12,
                  0,
                  n,
                  1,
                  "test",
                  false);
          DpSgd.Result r = DpSgd.train(rdd, s, key(++tag));
          System.out.printf(
              "adaptive clipping: gamma %.2f, C0 %.3g -> final C %.4f (quantile %.2f)%n",
              gamma, c0, r.clipNorm(), 2 * gamma);
          assertThat(Math.abs(r.coefficients()[0])).isLessThan(1e-8);
          assertThat(r.clipNorm())
              .as("gamma %s from C0 %s", gamma, c0)
              .isBetween(2 * gamma / 1.25, 2 * gamma * 1.25);
          assertThat(r.noiseStd()).isPositive().isFinite();
        }
      }
    } finally {
      rdd.unpersist();
    }
  }

  /**
   * The update stays finite and in [2^-500, 2^500] whatever the noisy count: huge positive and
   * negative counts and a tiny expected batch clamp C instead of overflowing.
   */
  @Test
  void nextClipNorm_extremeCounts_clampsToTheRange() {
    assertThat(DpSgd.nextClipNorm(1, 1e300, 1e-300, 0.5, 0.2))
        .isEqualTo(DpSgdEstimator.MIN_CLIP_NORM);
    assertThat(DpSgd.nextClipNorm(1, -1e300, 1e-300, 0.5, 0.2))
        .isEqualTo(DpSgdEstimator.MAX_CLIP_NORM);
    assertThat(DpSgd.nextClipNorm(0x1p500, -1, 10, 0.5, 1e6))
        .isEqualTo(DpSgdEstimator.MAX_CLIP_NORM);
    // b̃ = ½ + 0/B = γ: C unchanged.
    assertThat(DpSgd.nextClipNorm(3, 0, 10, 0.5, 0.2)).isEqualTo(3.0);
    // Everything clipped (b̃ = 0): C grows by exp(η_C·γ).
    assertThat(DpSgd.nextClipNorm(1, -5, 10, 0.5, 0.2)).isCloseTo(Math.exp(0.1), within(1e-15));
  }

  /**
   * (4) Save and load: the estimator keeps its adaptive params; the model keeps the final C (not
   * C₀), the adaptive settings and the unchanged event. The charge's (committed) description names
   * the adaptive params.
   */
  @Test
  void saveAndLoad_estimatorAndModel_keepAdaptiveClipping() throws Exception {
    List<String> descriptions = new ArrayList<>();
    PrivacyBudget inner = PrivacyBudget.inMemory(10, 1e-5);
    PrivacyBudget budget =
        PrivacyBudget.journaled(
            10,
            1e-5,
            org.privspark.core.accounting.OrderGrid.defaults(),
            new org.privspark.core.accounting.SpendJournal() {
              @Override
              public org.privspark.core.accounting.Charge record(
                  org.privspark.core.accounting.PrivacyEvent event,
                  org.privspark.core.accounting.UnitClaim claim,
                  String mechanism,
                  String description,
                  byte[] releaseId) {
                descriptions.add(description);
                return inner.charge(event, claim, mechanism, description, releaseId);
              }

              @Override
              public java.util.Optional<org.privspark.core.accounting.PrivacyUnit> unit() {
                return inner.unit();
              }

              @Override
              public org.privspark.core.accounting.PrivacyGuarantee spent() {
                return inner.spent();
              }
            });
    DPLogisticRegression lr =
        adaptive(budget)
            .setClipNorm(0.01)
            .setTargetUnclippedQuantile(0.7)
            .setClipLearningRate(0.3)
            .setClipCountNoiseStd(5)
            .setLearningRate(1);
    String estimatorPath = dir.resolve("estimator").toString();
    lr.write().overwrite().save(estimatorPath);
    DPLogisticRegression loadedLr = DPLogisticRegression.load(estimatorPath);
    assertThat(loadedLr.getOrDefault(loadedLr.adaptiveClipping())).isEqualTo(true);
    assertThat(loadedLr.getOrDefault(loadedLr.targetUnclippedQuantile())).isEqualTo(0.7);
    assertThat(loadedLr.getOrDefault(loadedLr.clipLearningRate())).isEqualTo(0.3);
    assertThat(loadedLr.getOrDefault(loadedLr.clipCountNoiseStd())).isEqualTo(5.0);
    assertThat(loadedLr.getOrDefault(loadedLr.clipNorm())).isEqualTo(0.01);

    DPLogisticRegressionModel model = lr.fit(synthetic(4000, 0.5));
    PrivacyRecord rec = model.privacyRecord();
    assertThat(descriptions).hasSize(1);
    assertThat(descriptions.get(0))
        .contains(
            "adaptiveClipping: initial clipNorm=0.01, targetUnclippedQuantile=0.7,"
                + " clipLearningRate=0.3, clipCountNoiseStd=5.0, gradient z="
                + rec.adaptiveClipping().gradientNoiseMultiplier());
    assertThat(rec.adaptive()).isTrue();
    assertThat(rec.adaptiveClipping().initialClipNorm()).isEqualTo(0.01);
    // From 0.01, 40 steps with nearly every unit clipped raise C (at most e^{0.21} per step).
    assertThat(rec.clipNorm()).isGreaterThan(0.1);
    assertThat(model.privacyEvent()).isEqualTo(new SampledGaussianEvent(0.05, 1.1, 40));
    assertThat(model.toString()).contains("adaptiveClipping: final clipNorm=" + rec.clipNorm());
    String modelPath = dir.resolve("model").toString();
    model.write().overwrite().save(modelPath);
    DPLogisticRegressionModel loaded = DPLogisticRegressionModel.load(modelPath);
    assertThat(loaded.privacyRecord()).isEqualTo(rec);
    assertThat(loaded.privacyRecord().adaptiveClipping())
        .isEqualTo(
            new PrivacyRecord.AdaptiveClipping(
                0.01, 0.7, 0.3, 5, rec.adaptiveClipping().gradientNoiseMultiplier()));
  }

  /**
   * (5) One indicator per unit: at q = 1, three units (A: 50 rows of gradient norm 0.1; B: one row
   * of norm 0.1; C: one row of norm 50) at clip norm 1. "mean": A's unclipped contribution has norm
   * 0.1, so the centred count is ½ + ½ − ½ = ½; "sum": A's is 50·0.1 = 5 &gt; 1, so −½ + ½ − ½ =
   * −½. Counting A's rows one by one would give 25 more. The gradient coordinates are those of
   * {@link DpSgd#stepSum} without the count.
   */
  @Test
  void stepSum_unitOfManyRows_contributesOneIndicator() {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(SparkTestSession.get().sparkContext());
    // Logistic, w = 0, label 0: gradient (½)·x.
    DpSgd.Example small = new DpSgd.Example(0, Vectors.dense(0.2));
    DpSgd.Example large = new DpSgd.Example(0, Vectors.dense(100));
    DpSgd.Example[] a = new DpSgd.Example[50];
    Arrays.fill(a, small);
    List<DpSgd.Example[]> units =
        List.of(a, new DpSgd.Example[] {small}, new DpSgd.Example[] {large});
    byte[] sampleKey = new byte[32];
    for (UnitGradient mode : UnitGradient.values()) {
      double[] withCount =
          DpSgd.stepSum(
              jsc.parallelize(units, 2),
              new double[1],
              1,
              false,
              DpSgd.Loss.LOGISTIC,
              mode,
              1.0,
              1.0,
              true,
              sampleKey,
              0);
      double[] without =
          DpSgd.stepSum(
              jsc.parallelize(units, 2),
              new double[1],
              1,
              false,
              DpSgd.Loss.LOGISTIC,
              mode,
              1.0,
              1.0,
              sampleKey,
              0);
      assertThat(withCount).hasSize(2);
      assertThat(withCount[1]).as("%s", mode).isEqualTo(mode == UnitGradient.MEAN ? 0.5 : -0.5);
      assertThat(withCount[0]).isEqualTo(without[0]);
    }
  }

  /**
   * n one-feature rows, x uniform on [−1, 1], label 1 when x + noise &gt; 0; {@code scale} scales x
   * (fixed seed).
   */
  static Dataset<Row> synthetic(int n, double scale) {
    SplittableRandom r = new SplittableRandom(17);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      double x = r.nextDouble(-1, 1);
      rows.add(
          RowFactory.create(Vectors.dense(scale * x), x + 0.3 * r.nextGaussian() > 0 ? 1.0 : 0.0));
    }
    return SparkTestSession.get()
        .createDataFrame(
            rows,
            new StructType().add("features", new VectorUDT()).add("label", DataTypes.DoubleType))
        .repartition(2);
  }

  /** A fixed release key: tests may fix secrets; fit draws them with Secret.generate(). */
  private static ReleaseKey key(int tag) {
    byte[] b = new byte[Secret.LENGTH];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) (7 * i + 3 + tag);
    }
    Secret s = Secret.fromBytes(b);
    return ReleaseKey.of(s, s.releaseId());
  }
}
