package org.privspark.spark.ml.wrappers;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.udf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.util.LongAccumulator;
import org.junit.jupiter.api.Test;
import org.privspark.core.accounting.BudgetExhaustedException;
import org.privspark.core.accounting.DiscreteLaplaceEvent;
import org.privspark.core.accounting.PrivacyBudget;
import org.privspark.core.mechanism.NoisyVector;
import org.privspark.core.noise.KeyedStreamSource;

class NoisyCountNaiveBayesTest {

  private static NoisyCountNaiveBayes toyBuilder(PrivacyBudget budget) {
    return new NoisyCountNaiveBayes()
        .setRowIsUnit(true)
        .setEpsilon(1.0)
        .setNumClasses(2)
        .setNumFeatures(3)
        .setMaxFeatureL1(3)
        .setBudget(budget)
        .setReleaseSecret(WrapperTesting.secret(1));
  }

  @Test
  void params_invalid_throwIllegalArgumentExceptionNamingTheParam() {
    PrivacyBudget budget = PrivacyBudget.inMemory(1, 0);
    assertThatThrownBy(() -> toyBuilder(budget).setEpsilon(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("epsilon must be finite and > 0");
    assertThatThrownBy(() -> toyBuilder(budget).setEpsilon(Double.NaN))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("epsilon");
    assertThatThrownBy(() -> toyBuilder(budget).setNumClasses(1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("numClasses must be an integer in [2, 1024]; got 1");
    assertThatThrownBy(() -> toyBuilder(budget).setNumFeatures(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("numFeatures must be an integer in [1, 4096]; got 0");
    assertThatThrownBy(() -> toyBuilder(budget).setMaxFeatureL1(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("maxFeatureL1 must be finite and > 0");
    assertThatThrownBy(() -> toyBuilder(budget).setModelType("gaussian"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("modelType must be");
    assertThatThrownBy(() -> toyBuilder(budget).setSmoothing(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("smoothing must be finite and > 0");
    assertThatThrownBy(() -> toyBuilder(null).fit(WrapperTesting.toy(5)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("budget must be set before fit");
    assertThatThrownBy(() -> new NoisyCountNaiveBayes().setRowIsUnit(true).setNumClasses(2).cost())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("epsilon must be set; got nothing");
  }

  @Test
  void fit_missingOrMistypedColumns_throwsAndSpendsNothing() {
    PrivacyBudget budget = PrivacyBudget.inMemory(5, 0);
    Dataset<Row> toy = WrapperTesting.toy(50);
    assertThatThrownBy(() -> toyBuilder(budget).setFeaturesCol("nope").fit(toy))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("featuresCol must name a column of the input; got 'nope'");
    assertThatThrownBy(() -> toyBuilder(budget).setFeaturesCol("label").fit(toy))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("featuresCol must name a column of type vector");
    assertThatThrownBy(() -> toyBuilder(budget).setLabelCol("features").fit(toy))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("labelCol must name a numeric column");
    assertThat(budget.spent().epsilon()).isZero();
  }

  @Test
  void fit_chargesCostOnceBeforeReadingAnyRow() {
    LongAccumulator reads = WrapperTesting.accumulator();
    WrapperTesting.RecordingJournal journal = new WrapperTesting.RecordingJournal(reads);
    NoisyCountNaiveBayes nb = toyBuilder(journal.budget());
    NoisyCountNaiveBayesModel fit =
        nb.fit(WrapperTesting.counting(WrapperTesting.toy(40), "label", reads));
    assertThat(journal.events).containsExactly(nb.cost());
    assertThat(journal.mechanisms).containsExactly("ml-naive-bayes");
    assertThat(journal.rowsReadAtSpend).containsExactly(0L);
    assertThat(reads.value()).isEqualTo(40L);
    assertThat(fit.epsilon()).isEqualTo(WrapperSupport.epsilonOf(nb.cost(), fit.delta()));
  }

  @Test
  void fit_budgetRefuses_throwsReadsNoRowAndLeavesBudgetUnchanged() {
    PrivacyBudget budget = PrivacyBudget.inMemory(0.5, 0);
    LongAccumulator reads = WrapperTesting.accumulator();
    Dataset<Row> data = WrapperTesting.counting(WrapperTesting.toy(40), "label", reads);
    assertThatThrownBy(() -> toyBuilder(budget).fit(data))
        .isInstanceOf(BudgetExhaustedException.class);
    assertThat(reads.value()).isZero();
    assertThat(budget.spent().epsilon()).isZero();
  }

  @Test
  void cost_isOneDiscreteLaplaceReleaseAtSensitivityOnePlusL1Bound() {
    NoisyCountNaiveBayes nb =
        toyBuilder(PrivacyBudget.inMemory(1, 0)).setMaxFeatureL1(12).setEpsilon(0.7);
    DiscreteLaplaceEvent event = (DiscreteLaplaceEvent) nb.cost();
    assertThat(event.pureEpsilon()).isLessThanOrEqualTo(0.7).isCloseTo(0.7, within(1e-9));
    // scale·g / (sensitivity·g) = 1/ε, with sensitivity ≥ (1 + 12)/g rounded up for 8 coordinates
    NoisyVector probe =
        nb.plan(1)
            .release(new double[8], KeyedStreamSource.forCell(WrapperTesting.secret(9), "probe"));
    double g = probe.noise().granularity();
    assertThat(event.l1Sensitivity() * g)
        .isGreaterThanOrEqualTo(13.0)
        .isCloseTo(13.0, within(13 * 1e-9));
  }

  /**
   * 2,500 releases of the 8-entry statistics vector: 20,000 independent Laplace draws of scale b =
   * 13/0.7. The sample variance has mean 2b² and relative standard deviation √(5/n) ≈ 1.6% (fourth
   * moment 24b⁴); the check allows 8%, five standard deviations: false-failure probability below
   * 1e-6 (normal approximation, n = 20,000). The secret is fixed: deterministic.
   */
  @Test
  void releaseStatistics_20kDraws_varianceMatchesLaplaceScale() {
    NoisyCountNaiveBayes nb =
        toyBuilder(PrivacyBudget.inMemory(1, 0)).setMaxFeatureL1(12).setEpsilon(0.7);
    double b = 13 / 0.7;
    double[] exact = {3, 0, 5, 7, 100, 2, 0, 1};
    double sum = 0;
    double sumSq = 0;
    int n = 0;
    for (int r = 0; r < 2_500; r++) {
      double[] v =
          nb.plan(1)
              .release(exact, KeyedStreamSource.forCell(WrapperTesting.secret(2), "r" + r))
              .values();
      for (int i = 0; i < v.length; i++) {
        double e = v[i] - exact[i];
        sum += e;
        sumSq += e * e;
        n++;
      }
    }
    double mean = sum / n;
    double variance = sumSq / n - mean * mean;
    assertThat(variance / (2 * b * b)).isCloseTo(1.0, within(0.08));
    assertThat(Math.abs(mean)).isLessThan(5 * Math.sqrt(2 * b * b / n));
  }

  @Test
  void fit_returnsNaiveBayesModelThatTransforms() {
    PrivacyBudget budget = PrivacyBudget.inMemory(100, 0);
    Dataset<Row> toy = WrapperTesting.toy(400);
    NoisyCountNaiveBayesModel fit = toyBuilder(budget).setEpsilon(50).fit(toy);
    NoisyCountNaiveBayesModel model = fit;
    assertThat(model.numClasses()).isEqualTo(2);
    assertThat(model.numFeatures()).isEqualTo(3);
    Dataset<Row> out = model.transform(toy);
    assertThat(out.columns()).contains("prediction", "probability", "rawPrediction");
    assertThat(out.count()).isEqualTo(400);
    assertThat(fit.epsilon()).isLessThanOrEqualTo(50);
    assertThat(budget.spent().epsilon()).isCloseTo(fit.epsilon(), within(1e-9));
  }

  /**
   * The bernoulli model type on binary features: the toy rows' features thresholded at 0.5, so the
   * first feature is the label. At ε = 5 the counts' noise (scale (1 + 3)/5) is small beside about
   * 200 rows per class, so the model learns the label from the first feature. The utility of the
   * bernoulli type on Adult is examples' NoisyCountNaiveBayesAdultTest. Fixed secret:
   * deterministic.
   */
  @Test
  void fit_bernoulli_binaryToyFeatures_transformsAndPredictsTheLabel() {
    UDF1<Vector, Vector> binary =
        v ->
            Vectors.dense(
                v.apply(0) > 0.5 ? 1 : 0, v.apply(1) > 0.5 ? 1 : 0, v.apply(2) > 0.5 ? 1 : 0);
    Dataset<Row> toy =
        WrapperTesting.toy(400)
            .withColumn("features", udf(binary, new VectorUDT()).apply(col("features")));
    NoisyCountNaiveBayesModel fit =
        toyBuilder(PrivacyBudget.inMemory(5, 0)).setEpsilon(5).setModelType("bernoulli").fit(toy);
    assertThat(fit.getModelType()).isEqualTo("bernoulli");
    assertThat(WrapperTesting.accuracy(fit.transform(toy))).isGreaterThan(0.9);
  }

  @Test
  void
      fit_sameSecretOnAFreshBudget_givesIdenticalModel_andASecondFitOnOneBudgetIsRefusedBeforeSpending() {
    Dataset<Row> toy = WrapperTesting.toy(100);
    PrivacyBudget budget = PrivacyBudget.inMemory(10, 0);
    NoisyCountNaiveBayesModel a = toyBuilder(budget).fit(toy);
    NoisyCountNaiveBayesModel b = toyBuilder(PrivacyBudget.inMemory(10, 0)).fit(toy);
    assertThat(a.theta()).isEqualTo(b.theta());
    assertThat(a.pi()).isEqualTo(b.pi());
    double spent = budget.spent().epsilon();
    assertThatThrownBy(() -> toyBuilder(budget).fit(toy))
        .isInstanceOf(org.privspark.core.accounting.ReleaseIdReusedException.class)
        .hasMessageContaining("keys exactly one release");
    assertThat(budget.spent().epsilon()).isEqualTo(spent);
  }

  @Test
  void model_thetaIsLogProbabilities() {
    NoisyCountNaiveBayesModel fit =
        toyBuilder(PrivacyBudget.inMemory(10, 0)).setEpsilon(10).fit(WrapperTesting.toy(100));
    DenseVector pi = fit.pi().toDense();
    assertThat(Math.exp(pi.apply(0)) + Math.exp(pi.apply(1))).isCloseTo(1.0, within(1e-9));
    for (int c = 0; c < 2; c++) {
      double s = 0;
      for (int j = 0; j < 3; j++) {
        s += Math.exp(fit.theta().apply(c, j));
      }
      assertThat(s).isCloseTo(1.0, within(1e-9));
    }
  }
}
