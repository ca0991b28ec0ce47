package org.privspark.spark.ml.wrappers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.privspark.core.accounting.PrivacyBudget;
import org.privspark.core.accounting.ReleaseIdReusedException;
import org.privspark.core.noise.Secret;

/**
 * Issue 12, item 3, for each wrapper: a fit keyed by a secret on D, then another fit keyed by the
 * same secret on D minus one row, used to carry the same noise (their difference was the exact
 * difference of the statistics). The second fit is now refused before anything is charged, even
 * from a new wrapper instance; the first fit's output is reproducible on a fresh budget.
 */
class WrapperSecretReuseTest {
  private static final double DELTA = 1e-5;

  static Stream<Arguments> wrappers() {
    return Stream.of(
        Arguments.of(
            "naive Bayes",
            fitter(
                (b, s, d) -> {
                  var m =
                      new NoisyCountNaiveBayes()
                          .setRowIsUnit(true)
                          .setEpsilon(1)
                          .setNumClasses(2)
                          .setNumFeatures(3)
                          .setMaxFeatureL1(3)
                          .setBudget(b)
                          .setReleaseSecret(s)
                          .fit(d);
                  return concat(m.pi().toArray(), m.theta().toArray());
                })),
        Arguments.of(
            "k-means",
            fitter(
                (b, s, d) -> {
                  var m =
                      new NoisyLloydKMeans()
                          .setRowIsUnit(true)
                          .setEpsilon(1)
                          .setDelta(DELTA)
                          .setK(2)
                          .setNumFeatures(3)
                          .setFeatureBounds(0, 1)
                          .setMaxIter(2)
                          .setBudget(b)
                          .setReleaseSecret(s)
                          .fit(d);
                  return concat(m.clusterCenters()[0].toArray(), m.clusterCenters()[1].toArray());
                })),
        Arguments.of(
            "linear regression",
            fitter(
                (b, s, d) -> {
                  var m =
                      new SufficientStatisticsLinearRegression()
                          .setRowIsUnit(true)
                          .setEpsilon(1)
                          .setDelta(DELTA)
                          .setNumFeatures(3)
                          .setMaxFeatureNorm(Math.sqrt(3))
                          .setLabelBounds(-5, 15)
                          .setLabelCol("y")
                          .setBudget(b)
                          .setReleaseSecret(s)
                          .fit(d);
                  return concat(m.coefficients().toArray(), new double[] {m.intercept()});
                })),
        Arguments.of(
            "logistic regression",
            fitter(
                (b, s, d) -> {
                  var m =
                      new OutputPerturbationLogisticRegression()
                          .setRowIsUnit(true)
                          .setEpsilon(1)
                          .setDelta(DELTA)
                          .setNumFeatures(3)
                          .setMaxFeatureNorm(Math.sqrt(3))
                          .setRegParam(1)
                          .setBudget(b)
                          .setReleaseSecret(s)
                          .fit(d);
                  return concat(m.coefficients().toArray(), new double[] {m.intercept()});
                })));
  }

  private static double[] concat(double[] a, double[] b) {
    double[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  /** Fits a wrapper on data with a budget and a secret; returns the model's parameters. */
  interface Fitter {
    double[] fit(PrivacyBudget budget, Secret secret, Dataset<Row> data);
  }

  private static Fitter fitter(Fitter f) {
    return f;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("wrappers")
  void sameSecretOnNeighbouringData_secondFitRefusedBeforeCharging(String name, Fitter fitter) {
    Dataset<Row> d = WrapperTesting.toy(100);
    Dataset<Row> withoutOne = WrapperTesting.toy(99);
    Secret secret = Secret.generate();
    PrivacyBudget budget = PrivacyBudget.inMemory(10, DELTA);
    double[] first = fitter.fit(budget, secret, d);
    double spent = budget.spent().epsilon();

    assertThatThrownBy(() -> fitter.fit(budget, secret, withoutOne))
        .isInstanceOf(ReleaseIdReusedException.class)
        .hasMessageContaining("nothing was charged");
    assertThat(budget.spent().epsilon()).isEqualTo(spent);
    // Reproducible from its secret against a fresh budget.
    assertThat(fitter.fit(PrivacyBudget.inMemory(10, DELTA), secret, d)).containsExactly(first);
  }

  /**
   * A copy (what CrossValidator and param-map fits make) does not carry the secret: fitted on
   * neighbouring data under separate budgets, the copy's noise is its own, not the original's.
   */
  @org.junit.jupiter.api.Test
  void aCopy_doesNotCarryTheReleaseSecret() {
    Dataset<Row> d = WrapperTesting.toy(100);
    Secret secret = Secret.generate();
    NoisyCountNaiveBayes nb =
        new NoisyCountNaiveBayes()
            .setRowIsUnit(true)
            .setEpsilon(1)
            .setNumClasses(2)
            .setNumFeatures(3)
            .setMaxFeatureL1(3)
            .setBudget(PrivacyBudget.inMemory(10, DELTA))
            .setReleaseSecret(secret);
    NoisyCountNaiveBayes copy =
        nb.copy(org.apache.spark.ml.param.ParamMap.empty())
            .setBudget(PrivacyBudget.inMemory(10, DELTA));
    var original = nb.fit(d);
    var copied = copy.fit(d);
    assertThat(copied.pi().toArray()).isNotEqualTo(original.pi().toArray());
  }
}
