package org.privspark.examples.utility;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.spark.ml.evaluation.RegressionEvaluator;
import org.apache.spark.ml.regression.LinearRegression;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.privspark.core.accounting.PrivacyBudget;
import org.privspark.examples.AdultEncoding;
import org.privspark.spark.ml.wrappers.SufficientStatisticsLinearRegression;
import org.privspark.spark.ml.wrappers.SufficientStatisticsLinearRegressionModel;

/**
 * {@link SufficientStatisticsLinearRegression} on Adult ({@link AdultEncoding}'s {@code noage});
 * dp-spark's test covers the rest.
 */
class SufficientStatisticsLinearRegressionAdultTest {
  private static final double DELTA = 1e-6;

  /**
   * Utility on Adult: predict age (clamped to [17, 90]) from the other features ({@code noage}, 103
   * entries, ‖x‖₂ ≤ √12) at ε = 1, δ = 1e-6; test-set R² against non-private MLlib LinearRegression
   * (no regularisation) on the same features. Fixed secrets: deterministic.
   */
  @Test
  void fit_adultAgeAtEpsilonOne_testR2WithinFiveHundredthsOfNonPrivate() {
    Dataset<Row> train = AdultFixture.encodedTrain();
    Dataset<Row> test = AdultFixture.encodedTest();
    RegressionEvaluator r2 = new RegressionEvaluator().setLabelCol("age").setMetricName("r2");
    double exact =
        r2.evaluate(
            new LinearRegression()
                .setFeaturesCol("noage")
                .setLabelCol("age")
                .fit(train)
                .transform(test));
    double[] got = new double[3];
    for (int r = 0; r < got.length; r++) {
      SufficientStatisticsLinearRegressionModel fit =
          new SufficientStatisticsLinearRegression()
              .setRowIsUnit(true)
              .setEpsilon(1)
              .setDelta(DELTA)
              .setNumFeatures(AdultEncoding.NOAGE)
              .setMaxFeatureNorm(Math.sqrt(12))
              .setLabelBounds(17, 90)
              .setFeaturesCol("noage")
              .setLabelCol("age")
              .setBudget(PrivacyBudget.inMemory(1, DELTA))
              .setReleaseSecret(AdultFixture.secret(22 + r))
              .fit(train);
      got[r] = r2.evaluate(fit.transform(test));
    }
    System.out.printf(
        "linear regression (age) on Adult: eps=1 R2 %s; non-private %.4f%n",
        java.util.Arrays.toString(got), exact);
    for (double g : got) {
      assertThat(g).isGreaterThanOrEqualTo(exact - 0.05);
    }
  }
}
