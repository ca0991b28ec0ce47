package org.privspark.spark.ml.wrappers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.apache.spark.ml.classification.NaiveBayes;
import org.apache.spark.ml.classification.NaiveBayesModel;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.util.LongAccumulator;
import org.junit.jupiter.api.Test;
import org.privspark.core.accounting.BudgetExhaustedException;
import org.privspark.core.accounting.DiscreteLaplaceEvent;
import org.privspark.core.accounting.PrivacyBudget;
import org.privspark.core.mechanism.NoisyVector;
import org.privspark.core.noise.KeyedStreamSource;

class PrivateNaiveBayesTest {

  private static PrivateNaiveBayes.Builder toyBuilder(PrivacyBudget budget) {
    return PrivateNaiveBayes.builder().epsilon(1.0).numClasses(2).numFeatures(3).maxFeatureL1(3)
        .budget(budget).releaseSecret(WrapperTesting.secret(1));
  }

  @Test
  void build_invalidParams_throwIllegalArgumentExceptionNamingTheParam() {
    PrivacyBudget budget = new PrivacyBudget(1, 0);
    assertThatThrownBy(() -> toyBuilder(budget).epsilon(0).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("epsilon must be finite and > 0");
    assertThatThrownBy(() -> toyBuilder(budget).epsilon(Double.NaN).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("epsilon");
    assertThatThrownBy(() -> toyBuilder(budget).numClasses(1).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessage("numClasses must be in [2, 1024]; got 1");
    assertThatThrownBy(() -> toyBuilder(budget).numFeatures(0).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessage("numFeatures must be in [1, 4096]; got 0");
    assertThatThrownBy(() -> toyBuilder(budget).maxFeatureL1(-1).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("maxFeatureL1 must be finite and > 0");
    assertThatThrownBy(() -> toyBuilder(budget).modelType("gaussian").build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("modelType must be");
    assertThatThrownBy(() -> toyBuilder(budget).smoothing(0).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("smoothing must be finite and > 0");
    assertThatThrownBy(() -> toyBuilder(null).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessage("budget must not be null");
    assertThatThrownBy(() -> PrivateNaiveBayes.builder().numClasses(2).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessage("epsilon must be set; got nothing");
  }

  @Test
  void fit_missingOrMistypedColumns_throwsAndSpendsNothing() {
    PrivacyBudget budget = new PrivacyBudget(5, 0);
    Dataset<Row> toy = WrapperTesting.toy(50);
    assertThatThrownBy(() -> toyBuilder(budget).featuresCol("nope").build().fit(toy))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("featuresCol must name a column of the input; got 'nope'");
    assertThatThrownBy(() -> toyBuilder(budget).featuresCol("label").build().fit(toy))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("featuresCol must name a column of type vector");
    assertThatThrownBy(() -> toyBuilder(budget).labelCol("features").build().fit(toy))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("labelCol must name a numeric column");
    assertThat(budget.spent().epsilon()).isZero();
  }

  @Test
  void fit_chargesCostOnceBeforeReadingAnyRow() {
    LongAccumulator reads = WrapperTesting.accumulator();
    WrapperTesting.RecordingJournal journal = new WrapperTesting.RecordingJournal(reads);
    PrivateNaiveBayes nb = toyBuilder(journal.budget()).build();
    PrivateFit<NaiveBayesModel> fit = nb.fit(WrapperTesting.counting(WrapperTesting.toy(40), "label", reads));
    assertThat(journal.events).containsExactly(nb.cost());
    assertThat(journal.mechanisms).containsExactly("ml-naive-bayes");
    assertThat(journal.rowsReadAtSpend).containsExactly(0L);
    assertThat(reads.value()).isEqualTo(40L);
    assertThat(fit.event()).isEqualTo(nb.cost());
  }

  @Test
  void fit_budgetRefuses_throwsReadsNoRowAndLeavesBudgetUnchanged() {
    PrivacyBudget budget = new PrivacyBudget(0.5, 0);
    LongAccumulator reads = WrapperTesting.accumulator();
    Dataset<Row> data = WrapperTesting.counting(WrapperTesting.toy(40), "label", reads);
    assertThatThrownBy(() -> toyBuilder(budget).build().fit(data)).isInstanceOf(BudgetExhaustedException.class);
    assertThat(reads.value()).isZero();
    assertThat(budget.spent().epsilon()).isZero();
  }

  @Test
  void cost_isOneDiscreteLaplaceReleaseAtSensitivityOnePlusL1Bound() {
    PrivateNaiveBayes nb = toyBuilder(new PrivacyBudget(1, 0)).maxFeatureL1(12).epsilon(0.7).build();
    DiscreteLaplaceEvent event = (DiscreteLaplaceEvent) nb.cost();
    assertThat(event.pureEpsilon()).isLessThanOrEqualTo(0.7).isCloseTo(0.7, within(1e-9));
    // scale·g / (sensitivity·g) = 1/ε, with sensitivity ≥ (1 + 12)/g rounded up for 8 coordinates
    NoisyVector probe = nb.releaseStatistics(new double[8], KeyedStreamSource.forCell(WrapperTesting.secret(9), "probe"));
    double g = probe.noise().granularity();
    assertThat(event.l1Sensitivity() * g).isGreaterThanOrEqualTo(13.0).isCloseTo(13.0, within(13 * 1e-9));
  }

  /**
   * 2,500 releases of the 8-entry statistics vector: 20,000 independent Laplace draws of scale
   * b = 13/0.7. The sample variance has mean 2b² and relative standard deviation √(5/n) ≈ 1.6%
   * (fourth moment 24b⁴); the check allows 8%, five standard deviations: false-failure
   * probability below 1e-6 (normal approximation, n = 20,000). The secret is fixed: deterministic.
   */
  @Test
  void releaseStatistics_20kDraws_varianceMatchesLaplaceScale() {
    PrivateNaiveBayes nb = toyBuilder(new PrivacyBudget(1, 0)).maxFeatureL1(12).epsilon(0.7).build();
    double b = 13 / 0.7;
    double[] exact = {3, 0, 5, 7, 100, 2, 0, 1};
    double sum = 0;
    double sumSq = 0;
    int n = 0;
    for (int r = 0; r < 2_500; r++) {
      double[] v = nb.releaseStatistics(exact, KeyedStreamSource.forCell(WrapperTesting.secret(2), "r" + r)).values();
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
    PrivacyBudget budget = new PrivacyBudget(100, 0);
    Dataset<Row> toy = WrapperTesting.toy(400);
    PrivateFit<NaiveBayesModel> fit = toyBuilder(budget).epsilon(50).build().fit(toy);
    NaiveBayesModel model = fit.model();
    assertThat(model.numClasses()).isEqualTo(2);
    assertThat(model.numFeatures()).isEqualTo(3);
    Dataset<Row> out = model.transform(toy);
    assertThat(out.columns()).contains("prediction", "probability", "rawPrediction");
    assertThat(out.count()).isEqualTo(400);
    assertThat(fit.epsilon()).isLessThanOrEqualTo(50);
    assertThat(budget.spent().epsilon()).isCloseTo(fit.epsilon(), within(1e-9));
  }

  @Test
  void fit_bernoulli_transformsBinaryFeatures() {
    Dataset<Row> adult = AdultFeatures.train().limit(2_000);
    PrivateFit<NaiveBayesModel> fit = PrivateNaiveBayes.builder().epsilon(5).numClasses(2)
        .numFeatures(AdultFeatures.ONEHOT).maxFeatureL1(AdultFeatures.ONEHOT_L1).modelType("bernoulli")
        .featuresCol("onehot").budget(new PrivacyBudget(5, 0)).releaseSecret(WrapperTesting.secret(3))
        .build().fit(adult);
    assertThat(fit.model().getModelType()).isEqualTo("bernoulli");
    assertThat(WrapperTesting.accuracy(fit.model().transform(adult))).isGreaterThan(0.6);
  }

  /**
   * Utility on Adult: train on adult.data, test on adult.test, ε = 1 (pure), one-hot features
   * (114 entries, ‖x‖₁ ≤ 12). Fixed secrets, so deterministic. The target is accuracy ≥ 0.78 (the
   * majority class alone scores 0.764); non-private MLlib NB on the same features is printed.
   */
  @Test
  void fit_adultAtEpsilonOne_testAccuracyAtLeast078() {
    Dataset<Row> train = AdultFeatures.train();
    Dataset<Row> test = AdultFeatures.test();
    double[] acc = new double[3];
    for (int r = 0; r < acc.length; r++) {
      PrivateFit<NaiveBayesModel> fit = PrivateNaiveBayes.builder().epsilon(1).numClasses(2)
          .numFeatures(AdultFeatures.ONEHOT).maxFeatureL1(AdultFeatures.ONEHOT_L1).featuresCol("onehot")
          .budget(new PrivacyBudget(1, 0)).releaseSecret(WrapperTesting.secret(10 + r)).build().fit(train);
      acc[r] = WrapperTesting.accuracy(fit.model().transform(test));
    }
    NaiveBayesModel exact = new NaiveBayes().setFeaturesCol("onehot").fit(train);
    double baseline = WrapperTesting.accuracy(exact.transform(test));
    System.out.printf("naive bayes on Adult: eps=1 accuracies %s; non-private %.4f%n",
        java.util.Arrays.toString(acc), baseline);
    for (double a : acc) {
      assertThat(a).isGreaterThanOrEqualTo(0.78);
    }
  }

  @Test
  void fit_sameSecretOnAFreshBudget_givesIdenticalModel_andASecondFitOnOneBudgetIsRefusedBeforeSpending() {
    Dataset<Row> toy = WrapperTesting.toy(100);
    PrivacyBudget budget = new PrivacyBudget(10, 0);
    NaiveBayesModel a = toyBuilder(budget).build().fit(toy).model();
    NaiveBayesModel b = toyBuilder(new PrivacyBudget(10, 0)).build().fit(toy).model();
    assertThat(a.theta()).isEqualTo(b.theta());
    assertThat(a.pi()).isEqualTo(b.pi());
    double spent = budget.spent().epsilon();
    assertThatThrownBy(() -> toyBuilder(budget).build().fit(toy))
        .isInstanceOf(org.privspark.core.accounting.ReleaseIdReusedException.class)
        .hasMessageContaining("keys exactly one release");
    assertThat(budget.spent().epsilon()).isEqualTo(spent);
  }

  @Test
  void model_thetaIsLogProbabilities() {
    PrivateFit<NaiveBayesModel> fit = toyBuilder(new PrivacyBudget(10, 0)).epsilon(10).build().fit(WrapperTesting.toy(100));
    DenseVector pi = fit.model().pi().toDense();
    assertThat(Math.exp(pi.apply(0)) + Math.exp(pi.apply(1))).isCloseTo(1.0, within(1e-9));
    for (int c = 0; c < 2; c++) {
      double s = 0;
      for (int j = 0; j < 3; j++) {
        s += Math.exp(fit.model().theta().apply(c, j));
      }
      assertThat(s).isCloseTo(1.0, within(1e-9));
    }
  }
}
