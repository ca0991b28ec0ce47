package org.privspark.examples.utility;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.spark.ml.classification.NaiveBayes;
import org.apache.spark.ml.classification.NaiveBayesModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.privspark.core.accounting.PrivacyBudget;
import org.privspark.examples.AdultEncoding;
import org.privspark.examples.ModelMetrics;
import org.privspark.spark.ml.wrappers.NoisyCountNaiveBayes;
import org.privspark.spark.ml.wrappers.NoisyCountNaiveBayesModel;

/**
 * {@link NoisyCountNaiveBayes} on Adult ({@link AdultEncoding}'s {@code onehot}); dp-spark's test
 * covers the rest.
 */
class NoisyCountNaiveBayesAdultTest {

  @Test
  void fit_bernoulli_transformsBinaryFeatures() {
    Dataset<Row> adult = AdultFixture.encodedTrain().limit(2_000);
    NoisyCountNaiveBayesModel fit =
        new NoisyCountNaiveBayes()
            .setRowIsUnit(true)
            .setEpsilon(5)
            .setNumClasses(2)
            .setNumFeatures(AdultEncoding.ONEHOT)
            .setMaxFeatureL1(AdultEncoding.ONEHOT_L1)
            .setModelType("bernoulli")
            .setFeaturesCol("onehot")
            .setBudget(PrivacyBudget.inMemory(5, 0))
            .setReleaseSecret(AdultFixture.secret(3))
            .fit(adult);
    assertThat(fit.getModelType()).isEqualTo("bernoulli");
    assertThat(ModelMetrics.accuracy(fit.transform(adult))).isGreaterThan(0.6);
  }

  /**
   * Utility on Adult: train on adult.data, test on adult.test, ε = 1 (pure), one-hot features (114
   * entries, ‖x‖₁ ≤ 12). Fixed secrets, so deterministic. The target is accuracy ≥ 0.78 (the
   * majority class alone scores 0.764); non-private MLlib NB on the same features is printed.
   */
  @Test
  void fit_adultAtEpsilonOne_testAccuracyAtLeast078() {
    Dataset<Row> train = AdultFixture.encodedTrain();
    Dataset<Row> test = AdultFixture.encodedTest();
    double[] acc = new double[3];
    for (int r = 0; r < acc.length; r++) {
      NoisyCountNaiveBayesModel fit =
          new NoisyCountNaiveBayes()
              .setRowIsUnit(true)
              .setEpsilon(1)
              .setNumClasses(2)
              .setNumFeatures(AdultEncoding.ONEHOT)
              .setMaxFeatureL1(AdultEncoding.ONEHOT_L1)
              .setFeaturesCol("onehot")
              .setBudget(PrivacyBudget.inMemory(1, 0))
              .setReleaseSecret(AdultFixture.secret(10 + r))
              .fit(train);
      acc[r] = ModelMetrics.accuracy(fit.transform(test));
    }
    NaiveBayesModel exact = new NaiveBayes().setFeaturesCol("onehot").fit(train);
    double baseline = ModelMetrics.accuracy(exact.transform(test));
    System.out.printf(
        "naive bayes on Adult: eps=1 accuracies %s; non-private %.4f%n",
        java.util.Arrays.toString(acc), baseline);
    for (double a : acc) {
      assertThat(a).isGreaterThanOrEqualTo(0.78);
    }
  }
}
