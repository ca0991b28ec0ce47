package org.privspark.examples;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.DoubleSupplier;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.NaiveBayes;
import org.apache.spark.ml.clustering.KMeans;
import org.apache.spark.ml.evaluation.RegressionEvaluator;
import org.apache.spark.ml.regression.LinearRegression;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.privspark.core.accounting.PrivacyBudget;
import org.privspark.spark.ml.wrappers.NoisyCountNaiveBayes;
import org.privspark.spark.ml.wrappers.NoisyLloydKMeans;
import org.privspark.spark.ml.wrappers.OutputPerturbationLogisticRegression;
import org.privspark.spark.ml.wrappers.SufficientStatisticsLinearRegression;

/**
 * Job {@code benchmark-wrappers}: utility of the DP MLlib wrappers against ε on UCI Adult (train on
 * {@code adult.data}, evaluate on {@code adult.test}), as a markdown table.
 *
 * <p>For each ε in 0.1, 0.5, 1, 2, 5 every wrapper is fitted {@code runs} times (default 5) with
 * fresh noise (a new release secret per fit), each fit on its own budget of exactly (ε, δ), and the
 * table gives the median. The ∞ column is non-private MLlib on the same features (for k-means, the
 * median over {@code runs} seeds of k-means||). Settings are those of the wrapper tests and
 * docs/ML-WRAPPERS.md: naive Bayes multinomial on the one-hot encoding (‖x‖₁ ≤ 12, pure ε-DP);
 * linear regression of age on the other features (‖x‖₂ ≤ √12, age in [17, 90]); logistic regression
 * by output perturbation (‖x‖₂ ≤ √13, Λ = 100); k-means with k = 5, 5 iterations, box [0, 1] and
 * ‖x‖₂ ≤ √13. δ = 1e-6 for the Gaussian wrappers. Adult has one row per person, so the wrappers run
 * in row-level mode ({@code rowIsUnit}, unit "person"): the unit-level mode with k rows per person
 * would add k times the noise.
 *
 * <p>Usage: {@code [--data DIR] [--runs N] [--master M]}; DIR holds adult.data and adult.test
 * (default: the checkout's {@code data/adult}, {@link AdultData#defaultDir()}).
 */
public final class WrapperUtilityBenchmark {
  static final double[] EPSILONS = {0.1, 0.5, 1, 2, 5};
  static final double DELTA = 1e-6;
  static final double LOGISTIC_REG = 100;
  static final int K = 5;

  private WrapperUtilityBenchmark() {}

  public static void main(String[] args) {
    String data = AdultData.defaultDir().toString();
    int runs = 5;
    String master = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--data" -> data = args[++i];
        case "--runs" -> runs = Integer.parseInt(args[++i]);
        case "--master" -> master = args[++i];
        default ->
            throw new IllegalArgumentException(
                "unknown option '" + args[i] + "'; options are --data, --runs, --master");
      }
    }
    if (runs < 1) {
      throw new IllegalArgumentException("runs must be >= 1; got " + runs);
    }
    Path dir = Paths.get(data);
    if (!Files.isRegularFile(dir.resolve("adult.data"))
        || !Files.isRegularFile(dir.resolve("adult.test"))) {
      throw new IllegalArgumentException(
          "data must name a directory with adult.data and adult.test; got " + dir);
    }
    SparkSession spark =
        BenchmarkSessions.start(
            BenchmarkSessions.loopback("privspark-benchmark-wrappers")
                .config("spark.sql.shuffle.partitions", "4"),
            master,
            java.util.List.of());
    Dataset<Row> train = AdultEncoding.load(spark, dir.resolve("adult.data").toString()).cache();
    Dataset<Row> test = AdultEncoding.load(spark, dir.resolve("adult.test").toString()).cache();
    System.out.printf(
        Locale.ROOT,
        "Adult: %d training rows, %d test rows; %d runs per cell (median)%n%n",
        train.count(),
        test.count(),
        runs);
    List<String> table = new ArrayList<>();
    table.add("| wrapper (metric) | ε = 0.1 | 0.5 | 1 | 2 | 5 | ∞ (MLlib) |");
    table.add("|---|---|---|---|---|---|---|");
    int r = runs;
    table.add(
        row(
            "naive Bayes (test accuracy)",
            r,
            eps ->
                ModelMetrics.accuracy(
                    new NoisyCountNaiveBayes()
                        .setPrivacyUnit("person")
                        .setRowIsUnit(true)
                        .setEpsilon(eps)
                        .setNumClasses(2)
                        .setNumFeatures(AdultEncoding.ONEHOT)
                        .setMaxFeatureL1(AdultEncoding.ONEHOT_L1)
                        .setFeaturesCol("onehot")
                        .setBudget(PrivacyBudget.inMemory(eps, 0))
                        .fit(train)
                        .transform(test)),
            () ->
                ModelMetrics.accuracy(
                    new NaiveBayes().setFeaturesCol("onehot").fit(train).transform(test))));
    System.out.println(table.get(table.size() - 1));
    RegressionEvaluator r2 = new RegressionEvaluator().setLabelCol("age").setMetricName("r2");
    table.add(
        row(
            "linear regression, age (test R²)",
            r,
            eps ->
                r2.evaluate(
                    new SufficientStatisticsLinearRegression()
                        .setPrivacyUnit("person")
                        .setRowIsUnit(true)
                        .setEpsilon(eps)
                        .setDelta(DELTA)
                        .setNumFeatures(AdultEncoding.NOAGE)
                        .setMaxFeatureNorm(Math.sqrt(12))
                        .setLabelBounds(17, 90)
                        .setFeaturesCol("noage")
                        .setLabelCol("age")
                        .setBudget(PrivacyBudget.inMemory(eps, DELTA))
                        .fit(train)
                        .transform(test)),
            () ->
                r2.evaluate(
                    new LinearRegression()
                        .setFeaturesCol("noage")
                        .setLabelCol("age")
                        .fit(train)
                        .transform(test))));
    System.out.println(table.get(table.size() - 1));
    table.add(
        row(
            "logistic regression (test accuracy)",
            r,
            eps ->
                ModelMetrics.accuracy(
                    new OutputPerturbationLogisticRegression()
                        .setPrivacyUnit("person")
                        .setRowIsUnit(true)
                        .setEpsilon(eps)
                        .setDelta(DELTA)
                        .setNumFeatures(AdultEncoding.MIXED)
                        .setMaxFeatureNorm(Math.sqrt(13))
                        .setRegParam(LOGISTIC_REG)
                        .setFeaturesCol("mixed")
                        .setBudget(PrivacyBudget.inMemory(eps, DELTA))
                        .fit(train)
                        .transform(test)),
            () ->
                ModelMetrics.accuracy(
                    new LogisticRegression().setFeaturesCol("mixed").fit(train).transform(test))));
    System.out.println(table.get(table.size() - 1));
    int[] seed = {0};
    table.add(
        row(
            "k-means, k = 5 (training cost)",
            r,
            eps ->
                ModelMetrics.kMeansCost(
                    train,
                    "mixed",
                    new NoisyLloydKMeans()
                        .setPrivacyUnit("person")
                        .setRowIsUnit(true)
                        .setEpsilon(eps)
                        .setDelta(DELTA)
                        .setK(K)
                        .setNumFeatures(AdultEncoding.MIXED)
                        .setFeatureBounds(0, 1)
                        .setMaxFeatureNorm(Math.sqrt(13))
                        .setMaxIter(5)
                        .setFeaturesCol("mixed")
                        .setBudget(PrivacyBudget.inMemory(eps, DELTA))
                        .fit(train)
                        .clusterCenters()),
            () ->
                ModelMetrics.kMeansCost(
                    train,
                    "mixed",
                    new KMeans()
                        .setK(K)
                        .setSeed(++seed[0])
                        .setFeaturesCol("mixed")
                        .fit(train)
                        .clusterCenters())));
    System.out.println(table.get(table.size() - 1));
    System.out.println();
    table.forEach(System.out::println);
    spark.stop();
  }

  /** Interface for a metric at one ε. */
  interface AtEpsilon {
    double at(double epsilon);
  }

  private static String row(String name, int runs, AtEpsilon dp, DoubleSupplier exact) {
    StringBuilder s = new StringBuilder("| " + name + " |");
    for (double eps : EPSILONS) {
      double[] v = new double[runs];
      for (int i = 0; i < runs; i++) {
        v[i] = dp.at(eps);
      }
      s.append(String.format(Locale.ROOT, " %s |", format(median(v))));
    }
    double[] v = new double[runs];
    for (int i = 0; i < runs; i++) {
      v[i] = exact.getAsDouble();
    }
    s.append(String.format(Locale.ROOT, " %s |", format(median(v))));
    return s.toString();
  }

  private static String format(double v) {
    return Math.abs(v) >= 1000
        ? String.format(Locale.ROOT, "%.0f", v)
        : String.format(Locale.ROOT, "%.3f", v);
  }

  static double median(double[] v) {
    double[] c = v.clone();
    Arrays.sort(c);
    int n = c.length;
    return n % 2 == 1 ? c[n / 2] : (c[n / 2 - 1] + c[n / 2]) / 2;
  }
}
