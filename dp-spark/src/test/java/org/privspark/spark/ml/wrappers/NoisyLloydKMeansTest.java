package org.privspark.spark.ml.wrappers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.LongAccumulator;
import org.junit.jupiter.api.Test;
import org.privspark.core.accounting.BudgetExhaustedException;
import org.privspark.core.accounting.GaussianEvent;
import org.privspark.core.accounting.PrivacyBudget;
import org.privspark.core.noise.KeyedStreamSource;
import org.privspark.spark.SparkTestSession;

class NoisyLloydKMeansTest {
  private static final double DELTA = 1e-6;

  private static NoisyLloydKMeans toyBuilder(PrivacyBudget budget) {
    return new NoisyLloydKMeans()
        .setRowIsUnit(true)
        .setEpsilon(1)
        .setDelta(DELTA)
        .setK(2)
        .setNumFeatures(2)
        .setFeatureBounds(0, 1)
        .setBudget(budget)
        .setReleaseSecret(WrapperTesting.secret(40));
  }

  /**
   * Two tight clusters around (0.2, 0.2) and (0.8, 0.7), n rows each; a label column for tripwires.
   */
  static Dataset<Row> blobs(int n) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      double a = ((i * 37) % 101) / 101.0 - 0.5;
      double b = ((i * 59) % 103) / 103.0 - 0.5;
      rows.add(RowFactory.create(Vectors.dense(0.2 + 0.1 * a, 0.2 + 0.1 * b), 0.0));
      rows.add(RowFactory.create(Vectors.dense(0.8 + 0.1 * b, 0.7 + 0.1 * a), 1.0));
    }
    return SparkTestSession.get()
        .createDataFrame(
            rows,
            new StructType().add("features", new VectorUDT()).add("label", DataTypes.DoubleType));
  }

  @Test
  void params_invalid_throwIllegalArgumentExceptionNamingTheParam() {
    PrivacyBudget budget = PrivacyBudget.inMemory(1, 1e-5);
    assertThatThrownBy(() -> toyBuilder(budget).setK(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("k must be an integer in [1, 1000]; got 0");
    assertThatThrownBy(() -> toyBuilder(budget).setEpsilon(Double.POSITIVE_INFINITY))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("epsilon must be finite and > 0; got Infinity");
    assertThatThrownBy(() -> toyBuilder(budget).setDelta(1.5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("delta must be in (0.0, 1.0); got 1.5");
    assertThatThrownBy(() -> toyBuilder(budget).setMaxIter(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxIter must be an integer in [1, 100]; got 0");
    assertThatThrownBy(() -> toyBuilder(budget).setFeatureBounds(1, 0).cost())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("featureBounds must be finite with lower < upper; got [1.0, 0.0]");
    assertThatThrownBy(
            () ->
                new NoisyLloydKMeans()
                    .setRowIsUnit(true)
                    .setEpsilon(1)
                    .setDelta(DELTA)
                    .setK(2)
                    .setNumFeatures(2)
                    .setBudget(budget)
                    .cost())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("maxFeatureNorm or featureBounds must be set");
    assertThatThrownBy(() -> toyBuilder(budget).setInitialCenters(new double[][] {{0, 0}}).cost())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("initialCenters must hold k = 2 centres; got 1");
    assertThatThrownBy(
            () -> toyBuilder(budget).setInitialCenters(new double[][] {{0, 0}, {0}}).cost())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("initialCenters[1] must hold numFeatures = 2 values; got 1");
  }

  @Test
  void fit_missingColumn_throwsAndSpendsNothing() {
    PrivacyBudget budget = PrivacyBudget.inMemory(5, 1e-5);
    assertThatThrownBy(() -> toyBuilder(budget).setFeaturesCol("x").fit(blobs(10)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("featuresCol must name a column of the input; got 'x'");
    assertThat(budget.spent().epsilon()).isZero();
  }

  @Test
  void fit_chargesCostOnceBeforeReadingAnyRow() {
    LongAccumulator reads = WrapperTesting.accumulator();
    WrapperTesting.RecordingJournal journal = new WrapperTesting.RecordingJournal(reads);
    NoisyLloydKMeans km = toyBuilder(journal.budget()).setMaxIter(3);
    // The tripwire sits on the features column's sibling; select(features) would skip it, so wrap
    // features.
    Dataset<Row> data =
        WrapperTesting.counting(blobs(20), "label", reads)
            .withColumn(
                "features",
                org.apache.spark.sql.functions.when(
                    org.apache.spark.sql.functions.col("label").geq(0),
                    org.apache.spark.sql.functions.col("features")));
    NoisyLloydKMeansModel fit = km.fit(data);
    assertThat(journal.events).containsExactly(km.cost());
    assertThat(journal.mechanisms).containsExactly("ml-kmeans-lloyd");
    assertThat(journal.rowsReadAtSpend).containsExactly(0L);
    // Local test data are projected once at planning (ConvertToLocalRelation), after the spend.
    assertThat(reads.value()).isGreaterThanOrEqualTo(40L);
    assertThat(fit.epsilon()).isEqualTo(WrapperSupport.epsilonOf(km.cost(), fit.delta()));
  }

  @Test
  void fit_budgetRefuses_throwsReadsNoRowAndLeavesBudgetUnchanged() {
    PrivacyBudget budget = PrivacyBudget.inMemory(0.5, DELTA);
    LongAccumulator reads = WrapperTesting.accumulator();
    Dataset<Row> data = WrapperTesting.counting(blobs(20), "label", reads);
    assertThatThrownBy(() -> toyBuilder(budget).fit(data))
        .isInstanceOf(BudgetExhaustedException.class);
    assertThat(reads.value()).isZero();
    assertThat(budget.spent().epsilon()).isZero();
  }

  /** σ/Δ is the smallest multiplier z whose T-fold Gaussian composition meets (ε, δ). */
  @Test
  void sigma_isTheSmallestMultiplierMeetingTheBudgetOverAllIterations() {
    NoisyLloydKMeans km =
        toyBuilder(PrivacyBudget.inMemory(1, DELTA)).setMaxIter(4).setEpsilon(0.8);
    double z = km.plan(1).gaussian().sigma() / km.plan(1).gaussian().l2Sensitivity();
    assertThat(km.plan(1).gaussian().l2Sensitivity())
        .isGreaterThanOrEqualTo(Math.sqrt(1 + 2))
        .isCloseTo(Math.sqrt(3), within(1e-12));
    assertThat(WrapperSupport.epsilonOf(GaussianEvent.withNoiseMultiplier(z).times(4), DELTA))
        .isLessThanOrEqualTo(0.8);
    assertThat(
            WrapperSupport.epsilonOf(
                GaussianEvent.withNoiseMultiplier(z * (1 - 1e-6)).times(4), DELTA))
        .isGreaterThan(0.8);
    assertThat(WrapperSupport.epsilonOf(km.cost(), DELTA)).isLessThanOrEqualTo(0.8);
  }

  /**
   * 2,000 releases of the 6-entry statistics (k = 2, d = 2): 12,000 Gaussian draws; sample variance
   * over σ² has relative standard deviation √(2/n) ≈ 1.3%; the check allows 8%: false-failure
   * probability below 1e-6. Fixed secret: deterministic.
   */
  @Test
  void release_12kDraws_noiseVarianceMatchesSigma() {
    NoisyLloydKMeans km = toyBuilder(PrivacyBudget.inMemory(1, DELTA));
    double[] exact = {10, 20, 3, 4, 5, 6};
    double sq = 0;
    for (int r = 0; r < 2_000; r++) {
      double[] v =
          km.plan(1).release(exact, KeyedStreamSource.forCell(WrapperTesting.secret(41), "r" + r));
      for (int i = 0; i < 6; i++) {
        sq += Math.pow((v[i] - exact[i]) / km.plan(1).gaussian().sigma(), 2);
      }
    }
    assertThat(sq / 12_000).isCloseTo(1.0, within(0.08));
  }

  @Test
  void fit_returnsKMeansModelThatTransforms_andFindsSeparatedClusters() {
    Dataset<Row> data = blobs(2_000);
    NoisyLloydKMeansModel fit =
        toyBuilder(PrivacyBudget.inMemory(10, DELTA))
            .setEpsilon(10)
            .setInitialCenters(new double[][] {{0.4, 0.4}, {0.6, 0.6}})
            .fit(data);
    Vector[] centers = fit.clusterCenters();
    assertThat(centers).hasSize(2);
    assertThat(centers[0].apply(0)).isCloseTo(0.2, within(0.05));
    assertThat(centers[1].apply(1)).isCloseTo(0.7, within(0.05));
    Dataset<Row> out = fit.transform(data);
    assertThat(out.columns()).contains("prediction");
    assertThat(out.filter("prediction = label").count()).isEqualTo(4_000);
  }
}
