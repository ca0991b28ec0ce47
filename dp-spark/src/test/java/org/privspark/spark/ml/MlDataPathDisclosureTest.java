package org.privspark.spark.ml;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.udf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.privspark.core.accounting.PrivacyBudget;
import org.privspark.core.accounting.PrivacyEvent;
import org.privspark.spark.SparkTestSession;
import org.privspark.spark.ml.wrappers.NoisyCountNaiveBayes;
import org.privspark.spark.ml.wrappers.NoisyLloydKMeans;
import org.privspark.spark.ml.wrappers.OutputPerturbationLogisticRegression;
import org.privspark.spark.ml.wrappers.SufficientStatisticsLinearRegression;

/**
 * Issue 12, items 1 and 2 for the ML stages: after the charge, nothing that depends on the data may
 * fail where it can be avoided, and no exception, cause or log line (any logger, captured by a
 * log4j appender on the root) may quote a value computed from the private rows. Each test drives
 * one data-path failure or degenerate input through every fit it can reach, with private values
 * chosen so that they cannot appear by chance (row counts of 2477, a feature of 0.638671875).
 */
class MlDataPathDisclosureTest {
  private static final StructType SCHEMA =
      new StructType().add("features", new VectorUDT()).add("label", DataTypes.DoubleType);

  private static SparkSession spark() {
    return SparkTestSession.get();
  }

  private static Dataset<Row> frame(List<Row> rows) {
    return spark().createDataFrame(rows, SCHEMA).repartition(2);
  }

  /** {@code n} rows, x in [0, 1]², label 1 when x1 + noise &gt; x2 (fixed seed). */
  private static List<Row> rows(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      double x1 = r.nextDouble();
      double x2 = r.nextDouble();
      rows.add(
          RowFactory.create(Vectors.dense(x1, x2), x1 + 0.3 * r.nextGaussian() > x2 ? 1.0 : 0.0));
    }
    return rows;
  }

  /**
   * True when {@code text} holds {@code value} as a number of its own (not inside a longer number
   * or a hexadecimal uid).
   */
  private static boolean quotes(String text, String value) {
    return Pattern.compile("(?<![\\w.])" + Pattern.quote(value) + "(?!\\w)").matcher(text).find();
  }

  private static void assertQuotesNone(String what, String text, String... values) {
    for (String v : values) {
      assertThat(quotes(text, v))
          .as("%s quotes the private value %s:%n%s", what, v, text)
          .isFalse();
    }
  }

  private static void assertLogQuotesNone(List<String> lines, String... values) {
    for (String line : lines) {
      assertQuotesNone("a log line", line, values);
    }
  }

  /** The budget state after charging exactly {@code cost} once to a fresh (10, 1e-5) budget. */
  private static void assertChargedOnce(PrivacyBudget budget, PrivacyEvent cost) {
    PrivacyBudget reference = PrivacyBudget.inMemory(10, 1e-5);
    reference.spend(cost);
    assertThat(budget.spent()).isEqualTo(reference.spent());
  }

  /** A fit of one of the ML stages on a budget, and what it charges. */
  private record Stage(
      String name, PrivacyBudget budget, PrivacyEvent cost, Function<Dataset<Row>, Object> fit) {}

  /** One fit of each stage (DP-SGD with a public N), each on its own (10, 1e-5) budget. */
  private static List<Stage> everyStage() {
    List<Stage> stages = new ArrayList<>();
    PrivacyBudget nb = PrivacyBudget.inMemory(10, 1e-5);
    NoisyCountNaiveBayes naiveBayes =
        new NoisyCountNaiveBayes()
            .setRowIsUnit(true)
            .setEpsilon(1)
            .setNumClasses(2)
            .setNumFeatures(2)
            .setMaxFeatureL1(2)
            .setBudget(nb);
    stages.add(new Stage("naive Bayes", nb, naiveBayes.cost(), naiveBayes::fit));
    PrivacyBudget km = PrivacyBudget.inMemory(10, 1e-5);
    NoisyLloydKMeans kMeans =
        new NoisyLloydKMeans()
            .setRowIsUnit(true)
            .setEpsilon(1)
            .setDelta(1e-6)
            .setK(2)
            .setNumFeatures(2)
            .setFeatureBounds(0, 1)
            .setMaxIter(2)
            .setBudget(km);
    stages.add(new Stage("k-means", km, kMeans.cost(), kMeans::fit));
    PrivacyBudget lin = PrivacyBudget.inMemory(10, 1e-5);
    SufficientStatisticsLinearRegression linear =
        new SufficientStatisticsLinearRegression()
            .setRowIsUnit(true)
            .setEpsilon(1)
            .setDelta(1e-6)
            .setNumFeatures(2)
            .setMaxFeatureNorm(1.5)
            .setLabelBounds(0, 1)
            .setBudget(lin);
    stages.add(new Stage("linear regression", lin, linear.cost(), linear::fit));
    PrivacyBudget log = PrivacyBudget.inMemory(10, 1e-5);
    OutputPerturbationLogisticRegression logistic =
        new OutputPerturbationLogisticRegression()
            .setRowIsUnit(true)
            .setEpsilon(1)
            .setDelta(1e-6)
            .setNumFeatures(2)
            .setMaxFeatureNorm(1.5)
            .setRegParam(10)
            .setBudget(log);
    stages.add(new Stage("logistic regression", log, logistic.cost(), logistic::fit));
    PrivacyBudget sgd = PrivacyBudget.inMemory(10, 1e-5);
    DPLogisticRegression dpSgd =
        new DPLogisticRegression()
            .setRowIsUnit(true)
            .setBudget(sgd)
            .setSampleRate(0.5)
            .setEpochs(1)
            .setNumFeatures(2)
            .setNumUnits(5000)
            .setNoiseMultiplier(1);
    stages.add(new Stage("DP-SGD", sgd, dpSgd.plan().event(), dpSgd::fit));
    return stages;
  }

  // ---- item 2: no private value in a message ----

  /**
   * At ε = 4096 and ‖x‖₁ ≤ 1e-9 the Laplace grid is 2^-52, and dp-core refused any value of 1024 or
   * more ("…; got 2477.0"), after the charge: the exact class count escaped in the message.
   */
  @Test
  void naiveBayes_countsBeyondTheLaplaceGrid_quoteNoCount() {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 2477; i++) {
      rows.add(RowFactory.create(Vectors.dense(1.0), 0.0));
    }
    for (int i = 0; i < 1129; i++) {
      rows.add(RowFactory.create(Vectors.dense(1.0), 1.0));
    }
    PrivacyBudget budget = PrivacyBudget.inMemory(10_000, 1e-5);
    NoisyCountNaiveBayes nb =
        new NoisyCountNaiveBayes()
            .setRowIsUnit(true)
            .setEpsilon(4096)
            .setNumClasses(2)
            .setNumFeatures(1)
            .setMaxFeatureL1(1e-9)
            .setBudget(budget);
    try (CapturedLog log = CapturedLog.start()) {
      Throwable thrown = catchThrowable(() -> nb.fit(frame(rows)));
      if (thrown != null) { // refused after the charge: then it must say nothing of the data
        assertThat(thrown).isInstanceOf(FailedAfterChargeException.class);
        assertQuotesNone("the exception", CapturedLog.text(thrown), "2477", "1129");
      }
      assertLogQuotesNone(log.all(), "2477", "1129");
    }
  }

  /**
   * At z = 2^-26 and C = 1 the Gaussian grid is 2^-52, and dp-core refused a gradient sum of 1024
   * or more, after the charge, quoting it (2477 rows of gradient (0.5, 0.5) sum to 1238.5).
   */
  @Test
  void dpSgd_gradientSumBeyondTheGaussianGrid_quotesNoSum() {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 2477; i++) {
      rows.add(RowFactory.create(Vectors.dense(1.0), 0.0));
    }
    PrivacyBudget budget = PrivacyBudget.inMemory(1e300, 1e-5);
    DPLogisticRegression lr =
        new DPLogisticRegression()
            .setRowIsUnit(true)
            .setBudget(budget)
            .setSampleRate(1)
            .setEpochs(1)
            .setNumFeatures(1)
            .setNumUnits(5000)
            .setNoiseMultiplier(0x1p-26)
            .setClipNorm(1);
    try (CapturedLog log = CapturedLog.start()) {
      Throwable thrown = catchThrowable(() -> lr.fit(frame(rows)));
      if (thrown != null) {
        assertThat(thrown).isInstanceOf(FailedAfterChargeException.class);
        assertQuotesNone("the exception", CapturedLog.text(thrown), "1238.5", "2477");
      }
      assertLogQuotesNone(log.all(), "1238.5", "2477");
    }
  }

  /**
   * A row the caller's own upstream transformation fails on is read only after the charge; the
   * Spark job's abort quoted the row's value. PrivSpark's exception must not, whichever stage runs
   * the job, and each stage charged exactly once. (Spark's own task-failure warnings do quote it:
   * only PrivSpark's loggers are checked here, and docs/THREAT-MODEL.md says to keep Spark's logs
   * as private as the data.)
   */
  @Test
  void everyStage_upstreamFailureOnARowAfterTheCharge_quotesNoValueAndChargesOnce() {
    List<Row> raw = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      raw.add(RowFactory.create(i == 117 ? 0.638671875 : i / 400.0, i % 2 == 0 ? 1.0 : 0.0));
    }
    UDF1<Double, Vector> encode =
        x -> {
          if (x == 0.638671875) {
            throw new IllegalStateException("cannot encode x = " + x);
          }
          return Vectors.dense(x, 1 - x);
        };
    Dataset<Row> failing =
        spark()
            .createDataFrame(
                raw,
                new StructType().add("x", DataTypes.DoubleType).add("label", DataTypes.DoubleType))
            .withColumn("features", udf(encode, new VectorUDT()).apply(col("x")));
    for (Stage stage : everyStage()) {
      try (CapturedLog log = CapturedLog.start()) {
        Throwable thrown = catchThrowable(() -> stage.fit().apply(failing));
        assertThat(thrown).as(stage.name()).isInstanceOf(FailedAfterChargeException.class);
        assertThat(thrown.getMessage())
            .as(stage.name())
            .contains("failed after the budget was charged");
        assertQuotesNone(stage.name() + "'s exception", CapturedLog.text(thrown), "0.638671875");
        assertLogQuotesNone(log.privspark(), "0.638671875");
        assertChargedOnce(stage.budget(), stage.cost());
      }
    }
  }

  // ---- items 1 and 2: degenerate data neither fails nor leaks ----

  /**
   * Degenerate inputs — no rows, 2477 rows all dropped by the per-row rule (label 7, vectors of
   * size 3), a single row — release a model with one charge, and no log line names a count or the
   * lone row's value.
   */
  @Test
  void everyStage_degenerateData_releasesAModelWithOneChargeAndLogsNoDataValue() {
    List<Row> dropped = new ArrayList<>();
    for (int i = 0; i < 2477; i++) {
      dropped.add(RowFactory.create(Vectors.dense(0.5, 0.5, 0.5), 7.0));
    }
    Map<String, Dataset<Row>> inputs = new LinkedHashMap<>();
    inputs.put("no rows", frame(List.of()));
    inputs.put("2477 rows, all dropped", frame(dropped));
    inputs.put("one row", frame(List.of(RowFactory.create(Vectors.dense(0.638671875, 0.25), 1.0))));
    for (Map.Entry<String, Dataset<Row>> input : inputs.entrySet()) {
      for (Stage stage : everyStage()) {
        try (CapturedLog log = CapturedLog.start()) {
          Object model = stage.fit().apply(input.getValue());
          assertThat(model).as("%s on %s", stage.name(), input.getKey()).isNotNull();
          assertChargedOnce(stage.budget(), stage.cost());
          if (stage.name().equals("DP-SGD")) {
            assertThat(log.all())
                .as("the appender saw the fit's lines")
                .anyMatch(l -> l.contains("DP-SGD epoch 1/1"));
          }
          assertLogQuotesNone(log.all(), "2477", "0.638671875");
        }
      }
    }
  }

  // ---- item 1: no avoidable failure after the charge ----

  /**
   * With ridge 0 and no usable row, the PSD fix-up of the noisy Gram matrix leaves it singular; the
   * solve threw SingularMatrixException after the charge. It is post-processing of the release and
   * now takes the pseudo-inverse.
   */
  @Test
  void linearRegression_zeroRidgeAndNoUsableRow_solvesInsteadOfFailingAfterTheCharge() {
    for (Dataset<Row> data : List.of(frame(List.of()), frame(rows(40, 3)))) {
      PrivacyBudget budget = PrivacyBudget.inMemory(10, 1e-5);
      SufficientStatisticsLinearRegression lr =
          new SufficientStatisticsLinearRegression()
              .setRowIsUnit(true)
              .setEpsilon(1)
              .setDelta(1e-6)
              .setNumFeatures(3)
              .setMaxFeatureNorm(1)
              .setLabelBounds(0, 1)
              .setRidge(0)
              .setBudget(budget);
      assertThat(lr.fit(data).coefficients().size()).isEqualTo(3);
      assertChargedOnce(budget, lr.cost());
    }
  }

  /**
   * A feature column that is always 0 makes the Hessian singular in that direction; with a tiny Λ
   * commons-math's Cholesky refused the Newton system (pivot Λ ≤ its 1e-300 threshold) after the
   * charge. The pivot is now floored at Λ, and the fit converges.
   */
  @Test
  void logisticRegression_zeroFeatureColumnAndTinyRegParam_solvesTheNewtonSystem() {
    List<Row> rows = new ArrayList<>();
    SplittableRandom r = new SplittableRandom(5);
    for (int i = 0; i < 400; i++) {
      double x = r.nextDouble();
      rows.add(
          RowFactory.create(Vectors.dense(x, 0.0), x + 0.5 * r.nextGaussian() > 0.5 ? 1.0 : 0.0));
    }
    PrivacyBudget budget = PrivacyBudget.inMemory(10, 1e-5);
    OutputPerturbationLogisticRegression lr =
        new OutputPerturbationLogisticRegression()
            .setRowIsUnit(true)
            .setEpsilon(1)
            .setDelta(1e-6)
            .setNumFeatures(2)
            .setMaxFeatureNorm(1)
            .setRegParam(1e-300)
            .setBudget(budget);
    assertThat(lr.fit(frame(rows)).coefficients().size()).isEqualTo(2);
    assertChargedOnce(budget, lr.cost());
  }

  /**
   * Non-convergence is the one data-dependent failure left after the charge (docs/ML-WRAPPERS.md):
   * its message holds public parameters only.
   */
  @Test
  void logisticRegression_notConverged_failsWithPublicParametersOnly() {
    PrivacyBudget budget = PrivacyBudget.inMemory(10, 1e-5);
    OutputPerturbationLogisticRegression lr =
        new OutputPerturbationLogisticRegression()
            .setRowIsUnit(true)
            .setEpsilon(1)
            .setDelta(1e-6)
            .setNumFeatures(2)
            .setMaxFeatureNorm(1.5)
            .setRegParam(1e-3)
            .setMaxIter(1)
            .setBudget(budget);
    try (CapturedLog log = CapturedLog.start()) {
      assertThatThrownBy(() -> lr.fit(frame(rows(2477, 9))))
          .isExactlyInstanceOf(IllegalStateException.class)
          .hasNoCause()
          .hasMessage(
              "the solver did not reach ||grad F|| <= "
                  + 1e-6 * Math.sqrt(1.5 * 1.5 + 1) / 2
                  + " within maxIter = 1 passes; the model is not released (the budget stays spent;"
                  + " raise maxIter or regParam)");
      assertLogQuotesNone(log.all(), "2477");
    }
    assertChargedOnce(budget, lr.cost());
  }

  /**
   * A noise multiplier below the Gaussian mechanism's range [2^-26, 2^19] was charged (on a budget
   * large enough to admit it), then refused when the first step's mechanism was built. It is a
   * parameter: refuse before the charge. (Full-batch steps, q = 1, keep the accountant exact at
   * these extreme z.)
   */
  @Test
  void dpSgd_noiseMultiplierOutsideTheMechanismsRange_refusesBeforeTheCharge() {
    for (double z : new double[] {0x1p-27, 0x1p20}) {
      PrivacyBudget budget = PrivacyBudget.inMemory(1e300, 1e-5);
      DPLogisticRegression lr =
          new DPLogisticRegression()
              .setRowIsUnit(true)
              .setBudget(budget)
              .setSampleRate(1)
              .setEpochs(1)
              .setNumFeatures(2)
              .setNumUnits(5000)
              .setNoiseMultiplier(z);
      Throwable thrown = catchThrowable(() -> lr.fit(frame(rows(50, 4))));
      assertThat(budget.spent().epsilon()).as("z = %s: spent before the refusal", z).isZero();
      assertThat(thrown)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage(
              "noiseMultiplier must be in the Gaussian mechanism's range [2^-26, 2^19]; got " + z);
    }
  }
}
