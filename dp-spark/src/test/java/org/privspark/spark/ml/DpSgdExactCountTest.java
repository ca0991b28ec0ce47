package org.privspark.spark.ml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.privspark.core.accounting.ComposedEvent;
import org.privspark.core.accounting.OrderGrid;
import org.privspark.core.accounting.PrivacyBudget;
import org.privspark.core.accounting.SampledGaussianEvent;
import org.privspark.core.ledger.FixedPointCost;
import org.privspark.core.ledger.Format3Ledgers;
import org.privspark.core.ledger.Ledger;
import org.privspark.core.ledger.LedgerEntry;
import org.privspark.core.ledger.LocalDirectoryStore;
import org.privspark.core.ledger.OpeningStore;
import org.privspark.core.ledger.note.NoteSigner;
import org.privspark.spark.SparkTestSession;

/**
 * Issue 12, item 5: under adding or removing one row, the row count N is private. Fits on
 * neighbouring data — 100 rows, and the same 100 plus one — must not store, save or log the exact
 * count: N is public ({@code numExamples}) or a DP count charged in the run's one event.
 */
class DpSgdExactCountTest {
  @TempDir Path dir;

  private static Dataset<Row> hundred;
  private static Dataset<Row> hundredAndOne;

  @BeforeAll
  static void makeNeighbours() {
    SplittableRandom r = new SplittableRandom(7);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 101; i++) {
      double x1 = r.nextDouble(-1, 1);
      double x2 = r.nextDouble(-1, 1);
      rows.add(RowFactory.create(Vectors.dense(x1, x2), x1 - x2 > 0 ? 1.0 : 0.0));
    }
    StructType schema =
        new StructType().add("features", new VectorUDT()).add("label", DataTypes.DoubleType);
    SparkSession spark = SparkTestSession.get();
    hundred = spark.createDataFrame(rows.subList(0, 100), schema).repartition(2).cache();
    hundredAndOne = spark.createDataFrame(rows, schema).repartition(2).cache();
    assertThat(hundred.count()).isEqualTo(100);
    assertThat(hundredAndOne.count()).isEqualTo(101);
  }

  /** N is set neither way: the q, z and steps are all public, the count is not. */
  private static DPLogisticRegression withoutN(PrivacyBudget budget) {
    return new DPLogisticRegression()
        .setRowIsUnit(true)
        .setBudget(budget)
        .setSampleRate(0.05)
        .setEpochs(2)
        .setNumFeatures(2)
        .setNoiseMultiplier(1.0)
        .setClipNorm(1.0);
  }

  private static int jobs() {
    return SparkTestSession.get().sparkContext().statusTracker().getJobIdsForGroup(null).length;
  }

  /**
   * True when {@code text} holds {@code n} as a number of its own (not inside a longer number, a
   * decimal's digits or a hexadecimal uid).
   */
  private static boolean quotes(String text, long n) {
    return Pattern.compile("(?<![\\w.])" + n + "(?!\\w)").matcher(text).find();
  }

  /** Every text file under {@code root} (Spark's metadata JSON), concatenated. */
  private static String textFiles(Path root) throws IOException {
    StringBuilder b = new StringBuilder();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path f :
          files
              .filter(Files::isRegularFile)
              .filter(p -> !p.toString().endsWith(".parquet") && !p.toString().endsWith(".crc"))
              .toList()) {
        b.append(new String(Files.readAllBytes(f), StandardCharsets.UTF_8)).append('\n');
      }
    }
    return b.toString();
  }

  /**
   * The model, its record, its saved files and every log line of the fit, checked for the exact
   * count {@code exact}.
   */
  private void assertExposesNot(
      DPLogisticRegressionModel model, List<String> log, long exact, String name)
      throws IOException {
    assertThat(model.privacyRecord().numUnits()).as("the record's N").isNotEqualTo(exact);
    assertThat(quotes(model.toString(), exact)).as("toString: %s", model).isFalse();
    Path path = dir.resolve(name);
    model.write().overwrite().save(path.toString());
    assertThat(quotes(textFiles(path.resolve("metadata")), exact)).as("saved metadata").isFalse();
    Row data = SparkTestSession.get().read().parquet(path.resolve("data").toString()).head();
    for (int i = 0; i < data.length(); i++) {
      if (!(data.get(i) instanceof org.apache.spark.ml.linalg.Vector)) {
        assertThat(quotes(String.valueOf(data.get(i)), exact))
            .as("saved field %s = %s", data.schema().fieldNames()[i], data.get(i))
            .isFalse();
      }
    }
    DPLogisticRegressionModel loaded = DPLogisticRegressionModel.load(path.toString());
    assertThat(loaded.privacyRecord()).isEqualTo(model.privacyRecord());
    assertThat(log)
        .as("the appender saw the fit's lines")
        .anyMatch(l -> l.contains("DP-SGD epoch 2/2"));
    for (String line : log) {
      assertThat(quotes(line, exact)).as("log line %s", line).isFalse();
    }
  }

  /** Measured on the base commit: with numExamples unset, these fits saved N = 100 and N = 101. */
  @Test
  void fit_numExamplesUnset_refusesBeforeTheCharge_soNoExactCountIsStored() {
    for (Dataset<Row> data : List.of(hundred, hundredAndOne)) {
      PrivacyBudget budget = PrivacyBudget.inMemory(10, 1e-5);
      int jobsBefore = jobs();
      assertThatThrownBy(() -> withoutN(budget).fit(data))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage(
              "numUnits (the public number of units N; rows, with rowIsUnit) or numUnitsNoiseStd"
                  + " (to charge a DP count of the units and use it as N) must be set; got"
                  + " neither");
      assertThat(budget.spent().epsilon()).isZero();
      assertThat(jobs()).as("no Spark job ran").isEqualTo(jobsBefore);
    }
  }

  @Test
  void fit_publicNumExamples_neighbours_storeOnlyThePublicN() throws IOException {
    long[] exact = {100, 101};
    List<Dataset<Row>> inputs = List.of(hundred, hundredAndOne);
    for (int i = 0; i < 2; i++) {
      try (CapturedLog log = CapturedLog.start()) {
        DPLogisticRegressionModel model =
            withoutN(PrivacyBudget.inMemory(10, 1e-5)).setNumUnits(1000).fit(inputs.get(i));
        assertThat(model.privacyRecord().numUnits()).isEqualTo(1000);
        assertThat(model.privacyRecord().countedUnits()).isFalse();
        assertThat(model.privacyEvent()).isEqualTo(new SampledGaussianEvent(0.05, 1.0, 40));
        assertExposesNot(model, log.privspark(), exact[i], "public-" + exact[i]);
      }
    }
  }

  /**
   * N as a DP count: one ledger entry whose cost is the count composed with the steps, charged
   * before any data is read; the model stores the noisy count. With σ = 2^19 the noisy count,
   * rounded, equals 100 or 101 with probability below 2/(σ√(2π)) ≈ 1.6e-6 per fit: that is this
   * test's false-failure probability (twice, for the two fits).
   */
  @Test
  void fit_dpCount_neighbours_storeOnlyANoisyCountChargedInTheOneEntry() throws Exception {
    long[] exact = {100, 101};
    List<Dataset<Row>> inputs = List.of(hundred, hundredAndOne);
    for (int i = 0; i < 2; i++) {
      String origin = "test.privspark.org/dp-count-" + i;
      NoteSigner signer = NoteSigner.generate(origin);
      LocalDirectoryStore store = new LocalDirectoryStore(dir.resolve("ledger-" + i));
      Ledger ledger =
          Format3Ledgers.create(
              store, origin, 10.0, 1e-5, OrderGrid.defaults(), signer, OpeningStore.discarding());
      DPLogisticRegression estimator = withoutN(ledger.budget()).setNumUnitsNoiseStd(0x1p19);
      DpSgdPlan plan = estimator.plan();
      assertThat(plan.countsUnits()).isTrue();
      assertThat(plan.event())
          .isEqualTo(
              ComposedEvent.of(
                  DpSgd.countMechanism(0x1p19).event(), new SampledGaussianEvent(0.05, 1.0, 40)));
      try (CapturedLog log = CapturedLog.start()) {
        DPLogisticRegressionModel model = estimator.fit(inputs.get(i));
        assertThat(model.privacyRecord().countedUnits()).isTrue();
        assertThat(model.privacyRecord().numUnitsNoiseStd()).isEqualTo(0x1p19);
        assertThat(model.privacyRecord().numUnits()).isGreaterThanOrEqualTo(1);
        assertThat(model.privacyEvent()).isEqualTo(plan.event());
        assertThat(model.epsilon()).isEqualTo(plan.epsilon());
        assertExposesNot(model, log.privspark(), exact[i], "counted-" + exact[i]);
      }
      LedgerEntry entry =
          LedgerEntry.decode(Files.readAllBytes(store.root().resolve(LedgerEntry.path(1))), 1);
      assertThat(entry.mechanism()).isEqualTo("dp-sgd");
      assertThat(entry.cost()).isEqualTo(FixedPointCost.of(plan.event(), OrderGrid.defaults()));
      assertThat(store.root().resolve(LedgerEntry.path(2))).doesNotExist();
    }
  }

  @Test
  void plan_dpCount_targetEpsilonCoversTheCountAndTheSteps() {
    DpSgdPlan plan =
        new DPLogisticRegression()
            .setRowIsUnit(true)
            .setBudget(PrivacyBudget.inMemory(10, 1e-5))
            .setSampleRate(0.05)
            .setEpochs(2)
            .setTargetEpsilon(1)
            .setTargetDelta(1e-5)
            .setNumUnitsNoiseStd(50)
            .plan();
    DpSgdPlan steps =
        withoutN(PrivacyBudget.inMemory(10, 1e-5))
            .setNoiseMultiplier(plan.noiseMultiplier())
            .setNumUnits(1000)
            .plan();
    assertThat(plan.epsilon()).isLessThanOrEqualTo(1).isGreaterThan(0.999);
    assertThat(steps.epsilon())
        .as("the steps alone cost less than the run")
        .isLessThan(plan.epsilon());
    assertThat(plan.epsilonAfter(0)).as("the count alone").isPositive().isLessThan(plan.epsilon());
    DpSgd.EpsilonTracker tracker = new DpSgd.EpsilonTracker(plan);
    for (long k : new long[] {0, 1, 7, plan.steps()}) {
      assertThat(tracker.after(k)).as("after %d steps", k).isEqualTo(plan.epsilonAfter(k));
    }
    assertThat(plan.epsilonAfter(plan.steps())).isEqualTo(plan.epsilon());
  }

  @Test
  void fit_dpCountWithExpectedBatchSizeOrBothNs_refusesBeforeTheCharge() {
    PrivacyBudget budget = PrivacyBudget.inMemory(10, 1e-5);
    DPLogisticRegression lr =
        new DPLogisticRegression()
            .setRowIsUnit(true)
            .setBudget(budget)
            .setEpochs(2)
            .setNumFeatures(2)
            .setNoiseMultiplier(1.0)
            .setExpectedBatchSize(5)
            .setNumUnitsNoiseStd(10);
    assertThatThrownBy(() -> lr.fit(hundred))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("expectedBatchSize needs numUnits (the public number of units N)");
    assertThatThrownBy(() -> withoutN(budget).setNumUnits(100).setNumUnitsNoiseStd(10).fit(hundred))
        .hasMessage("numUnits or numUnitsNoiseStd must be set, not both (clear one of them)");
    assertThatThrownBy(() -> withoutN(budget).setNumUnitsNoiseStd(0.5))
        .hasMessage("numUnitsNoiseStd must be in [1.0, 524288.0]; got 0.5");
    assertThat(budget.spent().epsilon()).isZero();
  }
}
