package org.privspark.spark.ml.wrappers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.apache.spark.ml.attribute.NominalAttribute;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.util.LongAccumulator;
import org.junit.jupiter.api.Test;
import org.privspark.core.accounting.BudgetExhaustedException;
import org.privspark.core.accounting.Calibration;
import org.privspark.core.accounting.OrderGrid;
import org.privspark.core.accounting.PrivacyBudget;
import org.privspark.core.noise.KeyedStreamSource;

class OutputPerturbationLogisticRegressionTest {
  private static final double DELTA = 1e-6;

  private static OutputPerturbationLogisticRegression toyBuilder(PrivacyBudget budget) {
    return new OutputPerturbationLogisticRegression()
        .setRowIsUnit(true)
        .setEpsilon(1)
        .setDelta(DELTA)
        .setNumFeatures(3)
        .setMaxFeatureNorm(Math.sqrt(3))
        .setRegParam(1)
        .setBudget(budget)
        .setReleaseSecret(WrapperTesting.secret(30));
  }

  @Test
  void params_invalid_throwIllegalArgumentExceptionNamingTheParam() {
    PrivacyBudget budget = PrivacyBudget.inMemory(1, 1e-5);
    assertThatThrownBy(() -> toyBuilder(budget).setEpsilon(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("epsilon must be finite and > 0; got 0.0");
    assertThatThrownBy(() -> toyBuilder(budget).setDelta(-0.1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("delta must be in (0.0, 1.0); got -0.1");
    assertThatThrownBy(() -> toyBuilder(budget).setRegParam(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("regParam must be finite and > 0; got 0.0");
    assertThatThrownBy(() -> toyBuilder(budget).setMaxIter(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxIter must be an integer in [1, 10000]; got 0");
    assertThatThrownBy(() -> toyBuilder(budget).setNumFeatures(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("numFeatures must be an integer in [1, 4096]; got 0");
    assertThatThrownBy(() -> toyBuilder(budget).setMaxFeatureNorm(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxFeatureNorm must be finite and > 0; got 0.0");
  }

  @Test
  void fit_nonBinaryOrStringLabels_throwIllegalArgumentExceptionAndSpendNothing() {
    PrivacyBudget budget = PrivacyBudget.inMemory(5, 1e-5);
    Dataset<Row> toy = WrapperTesting.toy(30);
    Dataset<Row> threeClasses =
        toy.withColumn(
            "label",
            toy.col("label")
                .as("label", NominalAttribute.defaultAttr().withNumValues(3).toMetadata()));
    assertThatThrownBy(() -> toyBuilder(budget).fit(threeClasses))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "labelCol must have 2 classes; got column 'label' whose metadata declares 3 classes");
    Dataset<Row> strings = toy.withColumn("label", functions.lit("yes"));
    assertThatThrownBy(() -> toyBuilder(budget).fit(strings))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(
            "labelCol must name a numeric column with values in {0, …, 1}; got column 'label' of"
                + " type string");
    assertThatThrownBy(() -> toyBuilder(budget).setFeaturesCol("missing").fit(toy))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("featuresCol must name a column of the input");
    assertThat(budget.spent().epsilon()).isZero();
  }

  @Test
  void fit_chargesCostOnceBeforeReadingAnyRow() {
    LongAccumulator reads = WrapperTesting.accumulator();
    WrapperTesting.RecordingJournal journal = new WrapperTesting.RecordingJournal(reads);
    OutputPerturbationLogisticRegression lr = toyBuilder(journal.budget());
    OutputPerturbationLogisticRegressionModel fit =
        lr.fit(WrapperTesting.counting(WrapperTesting.toy(60), "label", reads));
    assertThat(journal.events).containsExactly(lr.cost());
    assertThat(journal.mechanisms).containsExactly("ml-logistic-regression-output-perturbation");
    assertThat(journal.rowsReadAtSpend).containsExactly(0L);
    assertThat(reads.value()).isGreaterThanOrEqualTo(60L); // one pass per Newton step
    assertThat(fit.epsilon()).isEqualTo(WrapperSupport.epsilonOf(lr.cost(), fit.delta()));
  }

  @Test
  void fit_budgetRefuses_throwsReadsNoRowAndLeavesBudgetUnchanged() {
    PrivacyBudget budget = PrivacyBudget.inMemory(0.5, DELTA);
    LongAccumulator reads = WrapperTesting.accumulator();
    Dataset<Row> data = WrapperTesting.counting(WrapperTesting.toy(40), "label", reads);
    assertThatThrownBy(() -> toyBuilder(budget).fit(data))
        .isInstanceOf(BudgetExhaustedException.class);
    assertThat(reads.value()).isZero();
    assertThat(budget.spent().epsilon()).isZero();
  }

  @Test
  void sensitivityAndSigma_matchFormulaAndCalibration() {
    OutputPerturbationLogisticRegression lr =
        toyBuilder(PrivacyBudget.inMemory(1, DELTA)).setRegParam(40).setEpsilon(0.5);
    double zeta = Math.sqrt(3 + 1);
    assertThat(lr.plan(1).sensitivity())
        .isGreaterThanOrEqualTo(zeta * (1 + 2e-6) / 40)
        .isCloseTo(zeta / 40, within(1e-6));
    assertThat(lr.plan(1).sigma())
        .isEqualTo(
            Calibration.rdpGaussianSigma(
                0.5, DELTA, lr.plan(1).sensitivity(), OrderGrid.defaults()));
    assertThat(WrapperSupport.epsilonOf(lr.cost(), DELTA)).isLessThanOrEqualTo(0.5);
  }

  /**
   * 2,500 releases of a 4-entry θ: 10,000 Gaussian draws; the sample variance over σ² has relative
   * standard deviation √(2/n) ≈ 1.4%; the check allows 8% (over five standard deviations):
   * false-failure probability below 1e-6. Fixed secret: deterministic.
   */
  @Test
  void release_10kDraws_noiseVarianceMatchesSigma() {
    OutputPerturbationLogisticRegression lr =
        toyBuilder(PrivacyBudget.inMemory(1, DELTA)).setRegParam(10);
    double[] theta = {0.5, -1, 2, 0.25};
    double sq = 0;
    for (int r = 0; r < 2_500; r++) {
      double[] v =
          lr.plan(1).release(theta, KeyedStreamSource.forCell(WrapperTesting.secret(31), "r" + r));
      for (int i = 0; i < 4; i++) {
        sq += Math.pow((v[i] - theta[i]) / lr.plan(1).sigma(), 2);
      }
    }
    assertThat(sq / 10_000).isCloseTo(1.0, within(0.08));
  }

  /**
   * The solver's θ̂ (before noise) is the minimiser MLlib finds for the same objective: MLlib's
   * averaged form with regParam = Λ/n, no standardisation, no intercept (MLlib does not regularise
   * the intercept, this wrapper does).
   */
  @Test
  void minimise_matchesMllibOnTheSameObjective() {
    Dataset<Row> toy = WrapperTesting.toy(500);
    OutputPerturbationLogisticRegression lr =
        toyBuilder(PrivacyBudget.inMemory(1, DELTA)).setFitIntercept(false).setRegParam(5);
    double[] theta = lr.plan(1).solver().minimise(toy.select("features", "label").toJavaRDD());
    LogisticRegressionModel exact =
        new LogisticRegression()
            .setFitIntercept(false)
            .setStandardization(false)
            .setRegParam(5.0 / 500)
            .setTol(1e-10)
            .setMaxIter(200)
            .fit(toy);
    for (int i = 0; i < 3; i++) {
      assertThat(theta[i]).isCloseTo(exact.coefficients().apply(i), within(1e-4));
    }
  }

  @Test
  void fit_returnsLogisticRegressionModelThatTransforms() {
    Dataset<Row> toy = WrapperTesting.toy(400);
    OutputPerturbationLogisticRegressionModel fit =
        toyBuilder(PrivacyBudget.inMemory(100, DELTA)).setEpsilon(50).fit(toy);
    Dataset<Row> out = fit.transform(toy);
    assertThat(out.columns()).contains("prediction", "probability", "rawPrediction");
    assertThat(fit.coefficients().size()).isEqualTo(3);
    assertThat(WrapperTesting.accuracy(out)).isGreaterThan(0.8);
  }
}
