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
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.tuning.ParamGridBuilder;
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
import org.privspark.core.accounting.PrivateSelectionEvent;
import org.privspark.core.accounting.RdpAccountant;
import org.privspark.core.audit.AuditReport;
import org.privspark.core.audit.LedgerVerifier;
import org.privspark.core.ledger.FixedPointCost;
import org.privspark.core.ledger.Format3Ledgers;
import org.privspark.core.ledger.Ledger;
import org.privspark.core.ledger.LedgerEntry;
import org.privspark.core.ledger.LocalDirectoryStore;
import org.privspark.core.ledger.OpeningStore;
import org.privspark.core.ledger.note.NoteSigner;
import org.privspark.core.noise.Secret;
import org.privspark.spark.SparkTestSession;

/** {@link DPTuner}: one charge before any read, the selection's event, choice, validation, I/O. */
class DPTunerTest {
  @TempDir Path dir;

  private static Dataset<Row> data;

  private static SparkSession spark() {
    return SparkTestSession.get();
  }

  /** 4,000 rows, x in [-1, 1]², label 1 when 2·x1 − x2 + 0.3 + noise &gt; 0 (fixed seed). */
  @BeforeAll
  static void makeData() {
    SplittableRandom r = new SplittableRandom(17);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 4000; i++) {
      double x1 = r.nextDouble(-1, 1);
      double x2 = r.nextDouble(-1, 1);
      double y = 2 * x1 - x2 + 0.3 + 0.3 * r.nextGaussian() > 0 ? 1 : 0;
      rows.add(RowFactory.create(Vectors.dense(x1, x2), y));
    }
    data =
        spark()
            .createDataFrame(
                rows,
                new StructType()
                    .add("features", new VectorUDT())
                    .add("label", DataTypes.DoubleType))
            .repartition(2)
            .cache();
    data.count();
  }

  private static DPLogisticRegression lr() {
    return new DPLogisticRegression()
        .setRowIsUnit(true)
        .setSampleRate(0.05)
        .setEpochs(1)
        .setNumFeatures(2)
        .setNumUnits(4000)
        .setNoiseMultiplier(1.0)
        .setClipNorm(1.0)
        .setLearningRate(2.0);
  }

  private static DPTuner tuner(DPLogisticRegression lr, ParamMap[] grid, PrivacyBudget budget) {
    return new DPTuner()
        .setEstimator(lr)
        .setEstimatorParamMaps(grid)
        .setExpectedRepetitions(3)
        .setBudget(budget);
  }

  private static ParamMap[] learningRates(DPLogisticRegression lr, double... rates) {
    return new ParamGridBuilder().addGrid(lr.learningRate(), rates).build();
  }

  private static int jobs() {
    return spark().sparkContext().statusTracker().getJobIdsForGroup(null).length;
  }

  @Test
  void fit_ledgerBudget_recordsOneDpTuningEntryWithTheSelectionEvent() throws Exception {
    String origin = "test.privspark.org/tuner-ledger";
    NoteSigner signer = NoteSigner.generate(origin);
    LocalDirectoryStore store = new LocalDirectoryStore(dir.resolve("ledger"));
    Ledger ledger =
        Format3Ledgers.create(
            store, origin, 50.0, 1e-5, OrderGrid.defaults(), signer, OpeningStore.discarding());
    DPLogisticRegression lr = lr();
    DPTuner tuner = tuner(lr, learningRates(lr, 0.5, 2.0), ledger.budget());
    DPTuner.Plan plan = tuner.plan(data);
    DPTunerModel model = tuner.fit(data);

    LedgerEntry entry =
        LedgerEntry.decode(Files.readAllBytes(store.root().resolve(LedgerEntry.path(1))), 1);
    assertThat(entry.mechanism()).isEqualTo("dp-tuning");
    assertThat(entry.event()).isInstanceOf(PrivateSelectionEvent.class).isEqualTo(plan.event());
    assertThat(entry.cost()).isEqualTo(FixedPointCost.of(plan.event(), OrderGrid.defaults()));
    // The learning rate does not change the cost: one distinct candidate event.
    assertThat(plan.event().candidates()).hasSize(1);
    // The inner fits charged nothing: no second entry.
    assertThat(store.root().resolve(LedgerEntry.path(2))).doesNotExist();
    AuditReport report = new LedgerVerifier(signer.verifier()).verify(store, List.of());
    assertThat(report.intact()).as(report.message()).isTrue();
    assertThat(model.privacyEvent()).isEqualTo(plan.event());
    assertThat(model.unit().ledgerIndex()).isEqualTo(1);
    assertThat(model.bestModel().epsilon()).isEqualTo(model.epsilon());
  }

  /**
   * The default grid: learning rates s/C for the steps s in {1, 4, 16, 64} and the estimator's C,
   * all sharing one privacy event (only η differs), so the search costs one candidate's curve.
   */
  @Test
  void defaultGrid_stepsOverClipNorm_oneSharedEvent() {
    DPLogisticRegression lr = lr().setClipNorm(2.0);
    ParamMap[] grid = DPTuner.defaultGrid(lr);
    assertThat(grid).hasSize(4);
    double[] steps = {1, 4, 16, 64};
    for (int i = 0; i < grid.length; i++) {
      assertThat((Double) grid[i].apply(lr.learningRate())).isEqualTo(steps[i] / 2.0);
    }
    DPTuner.Plan plan = tuner(lr, grid, PrivacyBudget.inMemory(50, 1e-5)).plan(data);
    assertThat(plan.event().candidates()).hasSize(1);
    assertThatThrownBy(() -> DPTuner.defaultGrid(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("estimator");
  }

  /** Also: the repetitions log nothing (their outputs and their number K are not released). */
  @Test
  void fit_inMemoryBudget_spendsExactlyTheSelectionsEpsilon_moreThanOneRun_logsNoRepetition() {
    PrivacyBudget budget = PrivacyBudget.inMemory(50, 1e-5);
    DPLogisticRegression lr = lr();
    DPTunerModel model;
    try (CapturedLog log = CapturedLog.start()) {
      model = tuner(lr, learningRates(lr, 1.0, 2.0), budget).fit(data);
      assertThat(log.privspark()).noneMatch(line -> line.contains("DP-SGD epoch"));
    }
    assertThat(budget.spent().epsilon()).isCloseTo(model.epsilon(), within(1e-9));
    double oneRun =
        RdpAccountant.epsilonOf(lr.setBudget(budget).plan().event(), 1e-5, OrderGrid.defaults())
            .epsilon();
    assertThat(model.epsilon()).isGreaterThan(oneRun);
  }

  /** A data set whose every read throws: the refused charge comes first, and nothing runs. */
  @Test
  void fit_refusedBudget_readsNothingAndSpendsNothing() {
    Dataset<Row> poisoned = poisoned();
    PrivacyBudget tiny = PrivacyBudget.inMemory(0.5, 1e-5);
    DPLogisticRegression lr = lr();
    DPTuner tuner = tuner(lr, learningRates(lr, 1.0, 2.0), tiny);
    int before = jobs();
    assertThatThrownBy(() -> tuner.fit(poisoned)).isInstanceOf(BudgetExhaustedException.class);
    assertThat(jobs()).isEqualTo(before);
    assertThat(tiny.spent().epsilon()).isZero();
  }

  /** With budget to spare, the one entry is charged before the first read fails. */
  @Test
  void fit_dataThrowsOnRead_chargedOnceBeforeTheRead() {
    PrivacyBudget budget = PrivacyBudget.inMemory(50, 1e-5);
    DPLogisticRegression lr = lr();
    DPTuner tuner = tuner(lr, learningRates(lr, 1.0, 2.0), budget);
    double planned = tuner.plan(data).epsilon();
    assertThatThrownBy(() -> tuner.fit(poisoned()))
        .isInstanceOf(FailedAfterChargeException.class)
        .hasMessageNotContaining("poisoned row");
    assertThat(budget.spent().epsilon()).isCloseTo(planned, within(1e-9));
  }

  private static Dataset<Row> poisoned() {
    UDF1<Vector, Vector> boom =
        v -> {
          throw new IllegalStateException("poisoned row " + v);
        };
    return data.withColumn(
        "features",
        udf(boom, new VectorUDT()).apply(col("features")),
        data.schema().apply("features").metadata());
  }

  /**
   * One grid point is absurd (learning rate 1e-6: the model stays at 0 and predicts one class,
   * about 50 % right); the other three learn (about 90 % right on about 800 validation rows, a
   * score gap of about 300 against Laplace noise of scale 10). Seeded with a fixed release secret,
   * so the outcome is fixed; over fresh secrets it fails when every repetition draws the absurd
   * point, with probability (γ/4) / (1 − (1 − γ)/4) = 1/10 at E[K] = 3 (γ = 1/3), plus below 1e-9
   * for the noise to swap a good and the absurd score.
   */
  @Test
  void fit_oneAbsurdLearningRate_picksALearningCandidate() {
    PrivacyBudget budget = PrivacyBudget.inMemory(50, 1e-5);
    DPLogisticRegression lr = lr();
    DPTuner tuner =
        tuner(lr, learningRates(lr, 1e-6, 1.0, 2.0, 4.0), budget)
            .withReleaseSecretForTests(Secret.fromBytes(new byte[32]));
    DPTunerModel model = tuner.fit(data);
    assertThat((Double) model.bestParamMap().apply(lr.learningRate())).isGreaterThan(0.5);
    assertThat(model.bestIndex()).isBetween(1, 3);
    long right = model.transform(data).filter("prediction = label").count();
    assertThat(right / 4000.0).isGreaterThan(0.8);
    assertThat(model.bestScore()).isGreaterThan(0.6 * 800);
  }

  /** The tuner's target: one z for every grid point, the whole search at (ε, δ), charged once. */
  @Test
  void fit_targetEpsilon_calibratesOneNoiseMultiplierForTheWholeSearch() {
    PrivacyBudget budget = PrivacyBudget.inMemory(50, 1e-5);
    DPLogisticRegression lr = lr();
    ParamMap[] grid =
        new ParamGridBuilder()
            .addGrid(lr.learningRate(), new double[] {1.0, 2.0})
            .addGrid(lr.epochs(), new int[] {1, 2})
            .build();
    DPTuner tuner = tuner(lr, grid, budget).setTargetEpsilon(3.0).setTargetDelta(1e-5);
    DPTuner.Plan plan = tuner.plan(data);
    assertThat(plan.epsilon()).isLessThanOrEqualTo(3.0).isGreaterThan(2.99);
    // Two epoch counts: two distinct candidate events, one z.
    assertThat(plan.event().candidates()).hasSize(2);
    double z = plan.candidates().get(0).prepared().plan().noiseMultiplier();
    assertThat(plan.candidates())
        .allSatisfy(c -> assertThat(c.prepared().plan().noiseMultiplier()).isEqualTo(z));
    DPTunerModel model = tuner.fit(data);
    assertThat(budget.spent().epsilon()).isLessThanOrEqualTo(3.0 + 1e-9);
    assertThat(model.epsilon()).isCloseTo(plan.epsilon(), within(1e-12));
    assertThat(model.bestModel().noiseMultiplier()).isEqualTo(z);
  }

  /**
   * A ledger records at most 1,024 sampled-Gaussian values per event: four distinct DP-SGD grid
   * points inside a selection need 4 × (156 + 156) on the default grid, so the ledger refuses the
   * entry at the charge, before anything is read or written.
   */
  @Test
  void fit_fourDistinctRunsOnALedger_refusedBeforeAnyReadOrWrite() throws Exception {
    String origin = "test.privspark.org/tuner-limits";
    NoteSigner signer = NoteSigner.generate(origin);
    LocalDirectoryStore store = new LocalDirectoryStore(dir.resolve("ledger"));
    Ledger ledger =
        Format3Ledgers.create(
            store, origin, 500.0, 1e-5, OrderGrid.defaults(), signer, OpeningStore.discarding());
    DPLogisticRegression lr = lr();
    ParamMap[] grid = new ParamGridBuilder().addGrid(lr.epochs(), new int[] {1, 2, 3, 4}).build();
    int before = jobs();
    assertThatThrownBy(() -> tuner(lr, grid, ledger.budget()).fit(poisoned()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("sampled-Gaussian values");
    assertThat(jobs()).isEqualTo(before);
    assertThat(store.root().resolve(LedgerEntry.path(1))).doesNotExist();
    assertThat(ledger.budget().spent().epsilon()).isZero();
  }

  @Test
  void setTargetEpsilon_withoutDelta_refusesNamingBoth() {
    DPLogisticRegression lr = lr();
    DPTuner tuner =
        tuner(lr, learningRates(lr, 1.0), PrivacyBudget.inMemory(5, 1e-5)).setTargetEpsilon(1);
    assertThatThrownBy(() -> tuner.fit(data))
        .hasMessageContaining("targetEpsilon and targetDelta must be set together");
  }

  // ---- validation: the param named, nothing spent ----

  @Test
  void fit_gridPointWithConflictingParams_namesTheGridPointAndSpendsNothing() {
    PrivacyBudget budget = PrivacyBudget.inMemory(50, 1e-5);
    DPLogisticRegression lr = lr();
    ParamMap[] grid =
        new ParamGridBuilder()
            .addGrid(lr.targetEpsilon(), new double[] {1.0})
            .addGrid(lr.targetDelta(), new double[] {1e-5})
            .build();
    assertThatThrownBy(() -> tuner(lr, grid, budget).fit(data))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("estimatorParamMaps[0]")
        .hasMessageContaining("noiseMultiplier");
    assertThat(budget.spent().epsilon()).isZero();
  }

  @Test
  void setters_outOfRange_nameTheParamAndRange() {
    assertThatThrownBy(() -> new DPTuner().setValidationFraction(1.0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("validationFraction must be in (0.0, 1.0)");
    assertThatThrownBy(() -> new DPTuner().setExpectedRepetitions(1.0))
        .hasMessageContaining("expectedRepetitions");
    assertThatThrownBy(() -> new DPTuner().setScoreEpsilon(0)).hasMessageContaining("scoreEpsilon");
  }

  @Test
  void fit_noGridOrNoBudget_refusesNamingIt() {
    DPLogisticRegression lr = lr();
    assertThatThrownBy(
            () ->
                new DPTuner().setEstimator(lr).setBudget(PrivacyBudget.inMemory(1, 1e-5)).fit(data))
        .hasMessageContaining("estimatorParamMaps must hold at least one ParamMap");
    assertThatThrownBy(
            () ->
                new DPTuner()
                    .setEstimator(lr)
                    .setEstimatorParamMaps(learningRates(lr, 1))
                    .fit(data))
        .hasMessageContaining("budget must be set");
  }

  @Test
  void saveAndLoad_keepsTheModelTheGridPointTheScoreAndTheEvent() throws Exception {
    PrivacyBudget budget = PrivacyBudget.inMemory(50, 1e-5);
    DPLogisticRegression lr = lr();
    DPTunerModel model = tuner(lr, learningRates(lr, 1.0, 2.0), budget).fit(data);
    String path = dir.resolve("tuned").toString();
    model.write().overwrite().save(path);
    DPTunerModel back = DPTunerModel.load(path);
    assertThat(back.uid()).isEqualTo(model.uid());
    assertThat(back.bestScore()).isEqualTo(model.bestScore());
    assertThat(back.bestIndex()).isEqualTo(model.bestIndex());
    assertThat(back.privacyEvent()).isEqualTo(model.privacyEvent());
    assertThat(back.epsilon()).isEqualTo(model.epsilon());
    assertThat(back.bestModel().coefficients()).isEqualTo(model.bestModel().coefficients());
    assertThat(back.bestParamMap().toString()).isEqualTo(model.bestParamMap().toString());
    assertThat(back.transform(data).filter("prediction = label").count())
        .isEqualTo(model.transform(data).filter("prediction = label").count());
  }
}
