package org.privspark.spark.ml;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.udf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.privspark.core.accounting.BudgetExhaustedException;
import org.privspark.core.accounting.OrderGrid;
import org.privspark.core.accounting.PrivacyBudget;
import org.privspark.core.audit.AuditReport;
import org.privspark.core.audit.LedgerVerifier;
import org.privspark.core.ledger.FixedPointCost;
import org.privspark.core.ledger.Format3Ledgers;
import org.privspark.core.ledger.Ledger;
import org.privspark.core.ledger.LedgerEntry;
import org.privspark.core.ledger.LocalDirectoryStore;
import org.privspark.core.ledger.OpeningStore;
import org.privspark.core.ledger.note.NoteSigner;
import org.privspark.spark.SparkTestSession;
import org.privspark.spark.ml.feature.PublicFeatureEncoder;

/**
 * {@link DPLogisticRegression} as a Spark ML stage: budget handling, validation, persistence,
 * Pipelines. Written the way a Java user calls it (setter chains, {@code fit}, {@code transform}).
 */
class DPLogisticRegressionTest {
  @TempDir Path dir;

  private static Dataset<Row> data;

  private static SparkSession spark() {
    return SparkTestSession.get();
  }

  /**
   * 4,000 rows: x in [-1, 1]², a category, label 1 when 2·x1 − x2 + 0.3 + noise &gt; 0 (fixed
   * seed).
   */
  @BeforeAll
  static void makeData() {
    SplittableRandom r = new SplittableRandom(11);
    List<Row> rows = new ArrayList<>();
    String[] colours = {"red", "green", "blue"};
    for (int i = 0; i < 4000; i++) {
      double x1 = r.nextDouble(-1, 1);
      double x2 = r.nextDouble(-1, 1);
      String colour = colours[r.nextInt(3)];
      double y =
          2 * x1 - x2 + 0.3 + (colour.equals("red") ? 0.5 : 0) + 0.3 * r.nextGaussian() > 0 ? 1 : 0;
      rows.add(RowFactory.create(Vectors.dense(x1, x2), y, x1, x2, colour));
    }
    data =
        spark()
            .createDataFrame(
                rows,
                new StructType()
                    .add("features", new VectorUDT())
                    .add("label", DataTypes.DoubleType)
                    .add("x1", DataTypes.DoubleType)
                    .add("x2", DataTypes.DoubleType)
                    .add("colour", DataTypes.StringType))
            .repartition(2)
            .cache();
    data.count();
  }

  private static DPLogisticRegression small(PrivacyBudget budget) {
    return new DPLogisticRegression()
        .setRowIsUnit(true)
        .setBudget(budget)
        .setSampleRate(0.05)
        .setEpochs(2)
        .setNumFeatures(2)
        .setNumUnits(4000)
        .setNoiseMultiplier(1.0)
        .setClipNorm(1.0)
        .setLearningRate(2.0);
  }

  private static int jobs() {
    return spark().sparkContext().statusTracker().getJobIdsForGroup(null).length;
  }

  @Test
  void fit_learnsTheRule_andReportsItsCost() {
    PrivacyBudget budget = PrivacyBudget.inMemory(10, 1e-5);
    DPLogisticRegressionModel model = small(budget).fit(data);
    long right = model.transform(data).filter("prediction = label").count();
    assertThat(right / 4000.0).isGreaterThan(0.85);
    assertThat(model.numFeatures()).isEqualTo(2);
    assertThat(model.noiseMultiplier()).isEqualTo(1.0);
    assertThat(model.privacyEvent())
        .isEqualTo(new org.privspark.core.accounting.SampledGaussianEvent(0.05, 1.0, 40));
    assertThat(model.delta()).isEqualTo(1e-5);
    assertThat(budget.spent().epsilon()).isCloseTo(model.epsilon(), within(1e-9));
    assertThat(model.privacyRecord().numUnits()).isEqualTo(4000);
    assertThat(model.parent()).isInstanceOf(DPLogisticRegression.class);
    assertThat(model.transform(data).columns())
        .contains("prediction", "probability", "rawPrediction");
  }

  @Test
  void fit_untunedDefaults_onlyBudgetUnitEpsilonDeltaAndN_learnTheRule() {
    // The untuned path: no batch size, epochs, clip norm or learning rate. B = 256 of
    // 4,000 (the floor), 10 epochs of 15 steps, eta from the noise rule. The rule is learnt at
    // epsilon 1 (the label noise leaves about 0.93 to learn; fit_learnsTheRule's tuned settings
    // pass the same 0.85 bar at epsilon 10).
    PrivacyBudget budget = PrivacyBudget.inMemory(1, 1e-5);
    DPLogisticRegressionModel model =
        new DPLogisticRegression()
            .setRowIsUnit(true)
            .setBudget(budget)
            .setTargetEpsilon(1)
            .setTargetDelta(1e-5)
            .setNumUnits(4000)
            .setNumFeatures(2)
            .fit(data);
    long right = model.transform(data).filter("prediction = label").count();
    assertThat(right / 4000.0).isGreaterThan(0.85);
    assertThat(model.privacyRecord().steps()).isEqualTo(150);
    assertThat(budget.spent().epsilon()).isLessThanOrEqualTo(1.0);
  }

  @Test
  void fit_budgetRefuses_readsNoDataAndLeavesBudgetUnchanged() {
    UDF1<Vector, Vector> explode =
        v -> {
          throw new IllegalStateException("the data was read");
        };
    Dataset<Row> poisoned =
        data.withColumn("features", udf(explode, new VectorUDT()).apply(col("features")));
    PrivacyBudget budget = PrivacyBudget.inMemory(0.05, 1e-5);
    int jobsBefore = jobs();
    assertThatThrownBy(() -> small(budget).fit(poisoned))
        .isInstanceOf(BudgetExhaustedException.class);
    assertThat(budget.spent().epsilon()).isZero();
    assertThat(jobs()).as("no Spark job ran").isEqualTo(jobsBefore);
  }

  @Test
  void fit_ledgerBudget_recordsOneDpSgdEntryWithTheRunsCost() throws Exception {
    String origin = "test.privspark.org/ml-ledger";
    NoteSigner signer = NoteSigner.generate(origin);
    LocalDirectoryStore store = new LocalDirectoryStore(dir.resolve("ledger"));
    Ledger ledger =
        Format3Ledgers.create(
            store, origin, 5.0, 1e-5, OrderGrid.defaults(), signer, OpeningStore.discarding());
    DPLogisticRegression estimator = small(ledger.budget());
    DpSgdPlan plan = estimator.plan();
    DPLogisticRegressionModel model = estimator.fit(data);

    LedgerEntry entry =
        LedgerEntry.decode(Files.readAllBytes(store.root().resolve(LedgerEntry.path(1))), 1);
    assertThat(entry.mechanism()).isEqualTo("dp-sgd");
    assertThat(entry.cost()).isEqualTo(FixedPointCost.of(plan.event(), OrderGrid.defaults()));
    assertThat(store.root().resolve(LedgerEntry.path(2))).doesNotExist();
    AuditReport report = new LedgerVerifier(signer.verifier()).verify(store, List.of());
    assertThat(report.intact()).as(report.message()).isTrue();
    assertThat(report.spentEpsilon()).isGreaterThanOrEqualTo(model.epsilon() - 1e-6);
  }

  // ---- validation: clear errors, nothing spent ----

  @Test
  void setClipNorm_zeroOrNegative_throwsNamingParamAndRange() {
    assertThatThrownBy(() -> new DPLogisticRegression().setClipNorm(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("clipNorm must be in [2^-500, 2^500] (about 3.1e-151 to 3.3e150); got 0.0");
    assertThatThrownBy(() -> new DPLogisticRegression().setClipNorm(-1))
        .hasMessage("clipNorm must be in [2^-500, 2^500] (about 3.1e-151 to 3.3e150); got -1.0");
    assertThatThrownBy(() -> new DPLogisticRegression().setClipNorm(Double.NaN))
        .hasMessageStartingWith("clipNorm must be in [2^-500, 2^500]");
  }

  @Test
  void setSampleRate_outsideZeroToOne_throwsNamingParamAndRange() {
    assertThatThrownBy(() -> new DPLogisticRegression().setSampleRate(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("sampleRate must be in (0.0, 1.0]; got 0.0");
    assertThatThrownBy(() -> new DPLogisticRegression().setSampleRate(1.5))
        .hasMessage("sampleRate must be in (0.0, 1.0]; got 1.5");
    assertThatThrownBy(() -> new DPLogisticRegression().setSampleRate(Double.NaN))
        .hasMessage("sampleRate must be in (0.0, 1.0]; got NaN");
    DPLogisticRegression full = new DPLogisticRegression().setSampleRate(1.0);
    assertThat(full.getOrDefault(full.sampleRate())).isEqualTo(1.0);
  }

  @Test
  void setOtherParams_outOfRange_throwNamingParam() {
    assertThatThrownBy(() -> new DPLogisticRegression().setEpochs(0))
        .hasMessage("epochs must be >= 1; got 0");
    assertThatThrownBy(() -> new DPLogisticRegression().setTargetDelta(1))
        .hasMessage("targetDelta must be in (0.0, 1.0); got 1.0");
    assertThatThrownBy(
            () -> new DPLogisticRegression().setNoiseMultiplier(Double.POSITIVE_INFINITY))
        .hasMessage("noiseMultiplier must be finite and > 0; got Infinity");
    assertThatThrownBy(() -> new DPLogisticRegression().setRegParam(-0.1))
        .hasMessage("regParam must be finite and >= 0; got -0.1");
  }

  @Test
  void fit_missingLabelColumn_throwsNamingLabelCol_andSpendsNothing() {
    PrivacyBudget budget = PrivacyBudget.inMemory(10, 1e-5);
    assertThatThrownBy(() -> small(budget).fit(data.drop("label")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("labelCol must name a column of the input; got 'label'");
    assertThat(budget.spent().epsilon()).isZero();
  }

  @Test
  void fit_stringLabel_throwsNamingType_andSpendsNothing() {
    PrivacyBudget budget = PrivacyBudget.inMemory(10, 1e-5);
    assertThatThrownBy(() -> small(budget).setLabelCol("colour").fit(data))
        .hasMessage("labelCol 'colour' must be a numeric or boolean column; got string");
    assertThat(budget.spent().epsilon()).isZero();
  }

  /** The 4,000 rows plus one row breaking each part of the per-row rule. */
  private static Dataset<Row> withRowsBreakingTheRule() {
    List<Row> bad =
        List.of(
            RowFactory.create(Vectors.dense(0.5, 0.5), null, 0.5, 0.5, "red"),
            RowFactory.create(Vectors.dense(0.5, 0.5), Double.NaN, 0.5, 0.5, "red"),
            RowFactory.create(Vectors.dense(0.5, 0.5), Double.POSITIVE_INFINITY, 0.5, 0.5, "red"),
            RowFactory.create(Vectors.dense(0.5, 0.5), 2.0, 0.5, 0.5, "red"),
            RowFactory.create(Vectors.dense(0.5, 0.5, 0.5), 1.0, 0.5, 0.5, "red"),
            RowFactory.create(
                Vectors.sparse(3, new int[] {0}, new double[] {1}), 0.0, 1.0, 0.0, "red"),
            RowFactory.create(null, 1.0, 0.5, 0.5, "red"));
    return data.union(spark().createDataFrame(bad, data.schema()));
  }

  @Test
  void fit_rowsBreakingThePerRowRule_areDropped_chargesOnceWithoutError() {
    PrivacyBudget budget = PrivacyBudget.inMemory(10, 1e-5);
    Dataset<Row> mixed = withRowsBreakingTheRule();
    DPLogisticRegressionModel model = small(budget).fit(mixed);
    assertThat(budget.spent().epsilon()).as("one charge").isCloseTo(model.epsilon(), within(1e-9));
    assertThat(model.numFeatures()).isEqualTo(2);
    // N is the public numExamples; the seven bad rows are not among the kept ones.
    assertThat(model.privacyRecord().numUnits()).isEqualTo(4000);
    assertThat(
            DpSgdEstimator.examples(
                    mixed, "features", "label", 2, label -> label == 0 || label == 1)
                .count())
        .isEqualTo(4000);
    assertThat(model.transform(data).filter("prediction = label").count() / 4000.0)
        .isGreaterThan(0.85);
  }

  @Test
  void fit_linearRegression_dropsOnlyNonFiniteLabelsAndWrongSizes() {
    // Squared loss takes any finite label: the row labelled 2 is kept, the six others dropped.
    assertThat(
            DpSgdEstimator.examples(
                    withRowsBreakingTheRule(),
                    "features",
                    "label",
                    2,
                    new DPLinearRegression().labelRule())
                .count())
        .isEqualTo(4001);
  }

  @Test
  void fit_noPublicDimension_refusesBeforeTheCharge() {
    PrivacyBudget budget = PrivacyBudget.inMemory(10, 1e-5);
    assertThatThrownBy(
            () ->
                new DPLogisticRegression()
                    .setRowIsUnit(true)
                    .setBudget(budget)
                    .setSampleRate(0.05)
                    .setNumUnits(4000)
                    .setNoiseMultiplier(1)
                    .fit(data))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(
            "numFeatures must be set: featuresCol 'features' records no vector"
                + " size in its metadata");
    assertThat(budget.spent().epsilon()).isZero();
  }

  @Test
  void fit_conflictingOrMissingParams_explainTheFix_andSpendNothing() {
    PrivacyBudget budget = PrivacyBudget.inMemory(10, 1e-5);
    assertThatThrownBy(() -> new DPLogisticRegression().fit(data))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("budget must be set before fit (setBudget(PrivacyBudget)");
    assertThatThrownBy(
            () ->
                new DPLogisticRegression()
                    .setRowIsUnit(true)
                    .setBudget(budget)
                    .setNoiseMultiplier(1)
                    .fit(data))
        .hasMessageStartingWith("numUnits (the public number of units N; rows, with rowIsUnit) or");
    assertThatThrownBy(() -> small(budget).setExpectedBatchSize(100).fit(data))
        .hasMessage("sampleRate or expectedBatchSize must be set, not both (clear one of them)");
    assertThatThrownBy(
            () ->
                new DPLogisticRegression()
                    .setRowIsUnit(true)
                    .setBudget(budget)
                    .setExpectedBatchSize(100)
                    .setNoiseMultiplier(1)
                    .fit(data))
        .hasMessageStartingWith("expectedBatchSize needs numUnits");
    assertThatThrownBy(() -> small(budget).setTargetEpsilon(1).fit(data))
        .hasMessage(
            "noiseMultiplier, or targetEpsilon with targetDelta, must be set, not both"
                + " (clear one of them)");
    assertThatThrownBy(
            () ->
                new DPLogisticRegression()
                    .setRowIsUnit(true)
                    .setBudget(budget)
                    .setSampleRate(0.1)
                    .setNumUnits(4000)
                    .setTargetEpsilon(1)
                    .fit(data))
        .hasMessage("targetEpsilon and targetDelta must be set together; got targetEpsilon only");
    assertThatThrownBy(() -> small(budget).setFeaturesCol("x1").fit(data))
        .hasMessage("featuresCol 'x1' must be a vector column; got double");
    assertThat(budget.spent().epsilon()).isZero();
  }

  @Test
  void transform_outputColumnExists_throwsNamingParam() {
    DPLogisticRegressionModel model = small(PrivacyBudget.inMemory(10, 1e-5)).fit(data);
    assertThatThrownBy(() -> model.setPredictionCol("label").transform(data))
        .hasMessage(
            "predictionCol must name a column not in the input; got 'label' (set predictionCol"
                + " to another name)");
  }

  @Test
  void copy_keepsUidParamsAndBudget() {
    PrivacyBudget budget = PrivacyBudget.inMemory(10, 1e-5);
    DPLogisticRegression lr = small(budget).setThreshold(0.3);
    DPLogisticRegression copy = lr.copy(new ParamMap().put(lr.epochs().w(7)));
    assertThat(copy.uid()).isEqualTo(lr.uid());
    assertThat(copy.getBudget()).isSameAs(budget);
    assertThat(copy.getOrDefault(copy.epochs())).isEqualTo(7);
    assertThat(copy.getOrDefault(copy.threshold())).isEqualTo(0.3);
  }

  // ---- persistence and Pipelines ----

  @Test
  void saveLoad_model_samePredictionsParamsAndCost() throws Exception {
    DPLogisticRegressionModel model =
        small(PrivacyBudget.inMemory(10, 1e-5)).fit(data).setThreshold(0.4);
    String path = dir.resolve("model").toString();
    model.write().overwrite().save(path);
    DPLogisticRegressionModel loaded = DPLogisticRegressionModel.load(path);

    assertThat(loaded.uid()).isEqualTo(model.uid());
    assertThat(loaded.coefficients()).isEqualTo(model.coefficients());
    assertThat(loaded.intercept()).isEqualTo(model.intercept());
    assertThat(loaded.privacyRecord()).isEqualTo(model.privacyRecord());
    assertThat(loaded.getOrDefault(loaded.threshold())).isEqualTo(0.4);
    assertThat(predictions(loaded.transform(data))).isEqualTo(predictions(model.transform(data)));
  }

  @Test
  void saveLoad_estimator_keepsParams_butNotTheBudget() throws Exception {
    DPLogisticRegression lr = small(PrivacyBudget.inMemory(10, 1e-5)).setThreshold(0.3);
    String path = dir.resolve("estimator").toString();
    lr.write().overwrite().save(path);
    DPLogisticRegression loaded = DPLogisticRegression.load(path);
    assertThat(loaded.uid()).isEqualTo(lr.uid());
    assertThat(loaded.getOrDefault(loaded.sampleRate())).isEqualTo(0.05);
    assertThat(loaded.getOrDefault(loaded.threshold())).isEqualTo(0.3);
    assertThat(loaded.getBudget()).isNull();
    assertThatThrownBy(() -> loaded.fit(data)).hasMessageContaining("budget must be set");
  }

  @Test
  void pipeline_encoderThenDpLogisticRegression_fitTransformSaveLoad() throws Exception {
    PublicFeatureEncoder encoder =
        PublicFeatureEncoder.builder()
            .numeric("x1", -1, 1)
            .numeric("x2", -1, 1)
            .categorical("colour", "red", "green", "blue")
            .outputCol("encoded")
            .build();
    PrivacyBudget budget = PrivacyBudget.inMemory(10, 1e-5);
    DPLogisticRegression lr = small(budget).setFeaturesCol("encoded");
    Dataset<Row> input = data.drop("features");
    assertThatThrownBy(() -> lr.fit(encoder.transform(input)))
        .hasMessage(
            "numFeatures must equal the size 5 recorded in featuresCol 'encoded' metadata;"
                + " got 2 (clear numFeatures, or set it to 5)");
    assertThat(budget.spent().epsilon()).isZero();
    lr.clear(lr.numFeatures()); // the encoder's metadata gives the dimension
    Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {encoder, lr});

    PipelineModel fitted = pipeline.fit(input);
    DPLogisticRegressionModel model = (DPLogisticRegressionModel) fitted.stages()[1];
    assertThat(model.numFeatures()).isEqualTo(5);
    assertThat(budget.spent().epsilon()).isCloseTo(model.epsilon(), within(1e-9));
    Dataset<Row> out = fitted.transform(input);
    assertThat(out.filter("prediction = label").count() / 4000.0).isGreaterThan(0.85);

    String path = dir.resolve("pipeline-model").toString();
    fitted.write().overwrite().save(path);
    PipelineModel loaded = PipelineModel.load(path);
    assertThat(predictions(loaded.transform(input))).isEqualTo(predictions(out));

    String unfitted = dir.resolve("pipeline").toString();
    pipeline.write().overwrite().save(unfitted);
    Pipeline reloaded = Pipeline.load(unfitted);
    assertThat(reloaded.getStages()).hasSize(2);
    assertThat(((DPLogisticRegression) reloaded.getStages()[1]).getOrDefault(lr.featuresCol()))
        .isEqualTo("encoded");
  }

  private static List<Row> predictions(Dataset<Row> out) {
    return out.select("x1", "x2", "prediction", "probability").collectAsList();
  }
}
