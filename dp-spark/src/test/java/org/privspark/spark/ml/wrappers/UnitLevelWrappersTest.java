package org.privspark.spark.ml.wrappers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.LongAccumulator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.privspark.core.accounting.DiscreteLaplaceEvent;
import org.privspark.core.accounting.OrderGrid;
import org.privspark.core.accounting.PrivacyBudget;
import org.privspark.core.accounting.PrivacyUnit;
import org.privspark.core.accounting.UnitClaim;
import org.privspark.core.accounting.UnitMismatchException;
import org.privspark.core.ledger.Ledger;
import org.privspark.core.ledger.LedgerEntry;
import org.privspark.core.ledger.LocalDirectoryStore;
import org.privspark.core.ledger.OpeningStore;
import org.privspark.core.ledger.note.NoteSigner;
import org.privspark.core.noise.ReleaseKey;
import org.privspark.core.noise.Secret;
import org.privspark.spark.SparkTestSession;

/**
 * The four wrappers as unit-level Spark ML estimators: Pipeline fit, save and load with the ledger
 * entry and unit claim read back; the unit params validated before anything is charged or read; a
 * unit claim about another unit refused before anything is charged; the sensitivity scaled by k,
 * checked exactly on the noiseless statistics.
 */
class UnitLevelWrappersTest {
  private static final String ORIGIN = "test.privspark.org/ml-wrappers-units";
  private static final double DELTA = 1e-6;
  private static final PrivacyUnit PERSON =
      PrivacyUnit.of("person", "one person, identified by the person column");
  @TempDir Path dir;

  /**
   * Each wrapper, configured for the toy data (features in [0, 1]^3, label 0/1, y), on a budget.
   */
  static Stream<Arguments> wrappers() {
    return Stream.of(
        Arguments.of(
            "naive Bayes",
            (Function<PrivacyBudget, UnitLevelEstimator<?, ?, ?>>)
                b ->
                    new NoisyCountNaiveBayes()
                        .setEpsilon(1)
                        .setNumClasses(2)
                        .setNumFeatures(3)
                        .setMaxFeatureL1(3)
                        .setBudget(b)),
        Arguments.of(
            "k-means",
            (Function<PrivacyBudget, UnitLevelEstimator<?, ?, ?>>)
                b ->
                    new NoisyLloydKMeans()
                        .setEpsilon(1)
                        .setDelta(DELTA)
                        .setK(2)
                        .setNumFeatures(3)
                        .setFeatureBounds(0, 1)
                        .setMaxIter(2)
                        .setBudget(b)),
        Arguments.of(
            "linear regression",
            (Function<PrivacyBudget, UnitLevelEstimator<?, ?, ?>>)
                b ->
                    new SufficientStatisticsLinearRegression()
                        .setEpsilon(1)
                        .setDelta(DELTA)
                        .setNumFeatures(3)
                        .setMaxFeatureNorm(2)
                        .setLabelBounds(-5, 15)
                        .setLabelCol("y")
                        .setBudget(b)),
        Arguments.of(
            "logistic regression",
            (Function<PrivacyBudget, UnitLevelEstimator<?, ?, ?>>)
                b ->
                    new OutputPerturbationLogisticRegression()
                        .setEpsilon(1)
                        .setDelta(DELTA)
                        .setNumFeatures(3)
                        .setMaxFeatureNorm(2)
                        .setRegParam(1)
                        .setBudget(b)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("wrappers")
  void pipeline_fitSaveLoad_predictsTheSame_andReadsBackLedgerEntryAndUnitClaim(
      String name, Function<PrivacyBudget, UnitLevelEstimator<?, ?, ?>> wrapper) throws Exception {
    LocalDirectoryStore store = new LocalDirectoryStore(dir.resolve("ledger"));
    Ledger ledger =
        Ledger.create(
            store,
            ORIGIN,
            10,
            1e-5,
            OrderGrid.defaults(),
            PERSON,
            NoteSigner.generate(ORIGIN),
            OpeningStore.discarding());
    UnitLevelEstimator<?, ?, ?> estimator =
        wrapper
            .apply(ledger.budget())
            .setPrivacyUnit("person")
            .setPrivacyUnitCol("person")
            .setMaxRowsPerUnit(2);
    Dataset<Row> data = WrapperTesting.toyUnits(60, 3);

    PipelineModel fitted = new Pipeline().setStages(new PipelineStage[] {estimator}).fit(data);
    String path = dir.resolve("pipeline").toString();
    fitted.write().overwrite().save(path);
    PipelineModel loaded = PipelineModel.load(path);

    assertThat(loaded.transform(data).select("prediction").collectAsList())
        .isEqualTo(fitted.transform(data).select("prediction").collectAsList());
    UnitLevelModel<?> model = (UnitLevelModel<?>) loaded.stages()[0];
    assertThat(model.getClass()).isEqualTo(fitted.stages()[0].getClass());
    WrapperRecord record = model.privacyRecord();
    assertThat(record).isEqualTo(((UnitLevelModel<?>) fitted.stages()[0]).privacyRecord());
    assertThat(record.ledgerOrigin()).isEqualTo(ORIGIN);
    assertThat(record.ledgerIndex()).isEqualTo(1);
    assertThat(record.privacyUnit()).isEqualTo("person");
    assertThat(record.rowIsUnit()).isFalse();
    assertThat(record.maxRowsPerUnit()).isEqualTo(2);
    assertThat(record.epsilon()).isPositive().isLessThanOrEqualTo(1.0);
    LedgerEntry entry =
        LedgerEntry.decode(Files.readAllBytes(store.root().resolve(LedgerEntry.path(1))), 1);
    assertThat(entry.unit()).isEqualTo(UnitClaim.perUnit("person"));
    assertThat(entry.mechanism()).isEqualTo(record.mechanism());
    assertThat(java.util.HexFormat.of().formatHex(entry.releaseId())).isEqualTo(record.releaseId());

    // The estimator itself saves and loads its params (not its budget).
    String estimatorPath = dir.resolve("estimator").toString();
    ((org.apache.spark.ml.util.MLWritable) estimator).write().overwrite().save(estimatorPath);
    UnitLevelEstimator<?, ?, ?> back =
        (UnitLevelEstimator<?, ?, ?>)
            org.apache.spark.ml.util.DefaultParamsReader.loadParamsInstance(
                estimatorPath, SparkTestSession.get());
    assertThat(back.getMaxRowsPerUnit()).isEqualTo(2);
    assertThat(back.getPrivacyUnitCol()).isEqualTo("person");
    assertThat(back.getBudget()).isNull();
    assertThat(back.cost()).isEqualTo(estimator.cost());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("wrappers")
  void unitParams_invalid_refusedBeforeAnyChargeOrRead(
      String name, Function<PrivacyBudget, UnitLevelEstimator<?, ?, ?>> wrapper) {
    LongAccumulator reads = WrapperTesting.accumulator();
    WrapperTesting.RecordingJournal journal = new WrapperTesting.RecordingJournal(reads);
    Dataset<Row> data = WrapperTesting.counting(WrapperTesting.toyUnits(10, 2), "label", reads);
    assertThatThrownBy(() -> wrapper.apply(journal.budget()).fit(data))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(
            "privacyUnitCol (the column identifying the privacy unit) or rowIsUnit=true");
    assertThatThrownBy(
            () ->
                wrapper
                    .apply(journal.budget())
                    .setRowIsUnit(true)
                    .setPrivacyUnitCol("person")
                    .fit(data))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("privacyUnitCol must be unset");
    assertThatThrownBy(
            () -> wrapper.apply(journal.budget()).setRowIsUnit(true).setMaxRowsPerUnit(2).fit(data))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxRowsPerUnit must be 1 when rowIsUnit is true; got 2");
    assertThatThrownBy(
            () -> wrapper.apply(journal.budget()).setPrivacyUnitCol("household").fit(data))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("privacyUnitCol must name a column of the input; got 'household'");
    assertThatThrownBy(() -> wrapper.apply(journal.budget()).setMaxRowsPerUnit(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("maxRowsPerUnit must be an integer in [1");
    assertThatThrownBy(() -> wrapper.apply(journal.budget()).setPrivacyUnit("Person"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("privacyUnit must be a unit name");
    assertThat(journal.events).isEmpty();
    assertThat(reads.value()).isZero();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("wrappers")
  void wrongOrMissingPrivacyUnit_onUnitDeclaredBudget_refusedWithNothingChargedOrRead(
      String name, Function<PrivacyBudget, UnitLevelEstimator<?, ?, ?>> wrapper) {
    PrivacyBudget budget = PrivacyBudget.inMemory(10, 1e-5, OrderGrid.defaults(), PERSON);
    LongAccumulator reads = WrapperTesting.accumulator();
    Dataset<Row> data = WrapperTesting.counting(WrapperTesting.toyUnits(10, 2), "label", reads);
    assertThatThrownBy(
            () ->
                wrapper
                    .apply(budget)
                    .setPrivacyUnit("household")
                    .setPrivacyUnitCol("person")
                    .fit(data))
        .isInstanceOf(UnitMismatchException.class)
        .hasMessageContaining("'household'")
        .hasMessageContaining("'person'");
    assertThatThrownBy(() -> wrapper.apply(budget).setPrivacyUnitCol("person").fit(data))
        .isInstanceOf(UnitMismatchException.class);
    assertThatThrownBy(
            () -> wrapper.apply(budget).setPrivacyUnit("household").setRowIsUnit(true).fit(data))
        .isInstanceOf(UnitMismatchException.class);
    assertThat(budget.spent().epsilon()).isZero();
    assertThat(reads.value()).isZero();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("wrappers")
  void rowLevelMode_chargesTheRowIsUnitClaim_andUnitModeThePerUnitClaim(
      String name, Function<PrivacyBudget, UnitLevelEstimator<?, ?, ?>> wrapper) {
    WrapperTesting.RecordingJournal journal =
        new WrapperTesting.RecordingJournal(WrapperTesting.accumulator());
    Dataset<Row> data = WrapperTesting.toyUnits(20, 2);
    UnitLevelModel<?> rowLevel =
        wrapper.apply(journal.budget()).setPrivacyUnit("person").setRowIsUnit(true).fit(data);
    UnitLevelModel<?> unitLevel =
        wrapper
            .apply(journal.budget())
            .setPrivacyUnit("person")
            .setPrivacyUnitCol("person")
            .setMaxRowsPerUnit(2)
            .fit(data);
    assertThat(journal.claims)
        .containsExactly(UnitClaim.rowIsUnit("person"), UnitClaim.perUnit("person"));
    assertThat(rowLevel.privacyRecord().rowIsUnit()).isTrue();
    assertThat(rowLevel.privacyRecord().maxRowsPerUnit()).isEqualTo(1);
    assertThat(unitLevel.privacyRecord().maxRowsPerUnit()).isEqualTo(2);
    // Same ε either way: the noise grows with k instead.
    assertThat(unitLevel.epsilon()).isCloseTo(rowLevel.epsilon(), within(1e-9));
  }

  // ---- sensitivity × k ----

  @Test
  void naiveBayes_sensitivityIsKTimesOnePlusB() {
    NoisyCountNaiveBayes nb =
        new NoisyCountNaiveBayes()
            .setEpsilon(0.7)
            .setNumClasses(2)
            .setNumFeatures(3)
            .setMaxFeatureL1(12);
    assertThat(nb.plan(1).laplace().l1Sensitivity()).isEqualTo(13.0);
    assertThat(nb.plan(5).laplace().l1Sensitivity()).isEqualTo(65.0);
    DiscreteLaplaceEvent one = (DiscreteLaplaceEvent) nb.plan(1).event();
    DiscreteLaplaceEvent five = (DiscreteLaplaceEvent) nb.plan(5).event();
    assertThat(five.pureEpsilon())
        .isLessThanOrEqualTo(0.7)
        .isCloseTo(one.pureEpsilon(), within(1e-9));
  }

  @Test
  void kMeans_linearRegression_logisticRegression_sensitivityScalesWithK() {
    NoisyLloydKMeans km =
        new NoisyLloydKMeans()
            .setEpsilon(1)
            .setDelta(DELTA)
            .setK(2)
            .setNumFeatures(2)
            .setFeatureBounds(0, 1);
    assertThat(km.plan(4).gaussian().l2Sensitivity())
        .isGreaterThanOrEqualTo(4 * Math.sqrt(3))
        .isCloseTo(4 * Math.sqrt(3), within(1e-12));
    assertThat(km.plan(4).gaussian().sigma() / km.plan(1).gaussian().sigma())
        .isCloseTo(4, within(1e-9));

    SufficientStatisticsLinearRegression lr =
        new SufficientStatisticsLinearRegression()
            .setEpsilon(1)
            .setDelta(DELTA)
            .setNumFeatures(3)
            .setMaxFeatureNorm(1)
            .setLabelBounds(0, 1);
    assertThat(lr.plan(3).gaussian().l2Sensitivity())
        .isEqualTo(WrapperSupport.timesK(Math.nextUp(Math.sqrt(2)), 3))
        .isGreaterThanOrEqualTo(3 * Math.sqrt(2));
    assertThat(lr.plan(3).sigma() / lr.plan(1).sigma()).isCloseTo(3, within(1e-6));
    assertThat(lr.plan(3).ridge() / lr.plan(1).ridge()).isCloseTo(3, within(1e-6));

    OutputPerturbationLogisticRegression logit =
        new OutputPerturbationLogisticRegression()
            .setEpsilon(1)
            .setDelta(DELTA)
            .setNumFeatures(3)
            .setMaxFeatureNorm(Math.sqrt(3))
            .setRegParam(40);
    double zeta = 2; // √(R² + 1)
    double gamma = LogisticSolver.GRADIENT_BOUND * zeta;
    assertThat(logit.plan(3).sensitivity())
        .isGreaterThanOrEqualTo((3 * zeta + 2 * gamma) / 40)
        .isCloseTo((3 * zeta + 2 * gamma) / 40, within(1e-12));
  }

  private static final StructType UNIT_SCHEMA =
      new StructType()
          .add("features", new VectorUDT())
          .add("label", DataTypes.DoubleType)
          .add("person", DataTypes.StringType);

  /**
   * Ten one-row units, and D' = D plus unit "u" with five identical rows x = (1, 0, 0), label 1.
   */
  private static Dataset<Row> neighbours(boolean withUnit) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      rows.add(RowFactory.create(Vectors.dense(0.1 * i, 0.5, 0.2), (double) (i % 2), "p" + i));
    }
    if (withUnit) {
      for (int j = 0; j < 5; j++) {
        rows.add(RowFactory.create(Vectors.dense(1, 0, 0), 1.0, "u"));
      }
    }
    return SparkTestSession.get().createDataFrame(rows, UNIT_SCHEMA);
  }

  /** {@code (features, label)} of {@code data}, at most {@code k} rows per person. */
  private static org.apache.spark.api.java.JavaRDD<Row> bounded(Dataset<Row> data, int k) {
    Secret s = WrapperTesting.secret(77);
    return UnitRowBound.bound(
            data, "person", k, ReleaseKey.of(s, s.releaseId()), "features", "label")
        .toJavaRDD();
  }

  /**
   * With k = 2, adding the five-row unit moves the noiseless naive Bayes statistics by exactly two
   * rows' contribution (count of class 1 by 2, its first feature sum by 2): L1 change 4 = k·(1 + B)
   * with B = 1, the sensitivity the mechanism is calibrated for. Linear regression's scaled
   * statistics move by exactly twice one row's, and k-means' (fixed centres) by twice one row's.
   */
  @Test
  void noiselessStatistics_ofANeighbourWithAFiveRowUnit_moveByExactlyKRows() {
    int k = 2;
    double[] nb = NoisyCountNaiveBayes.statistics(bounded(neighbours(false), k), 2, 3, 1, false);
    double[] nbPrime =
        NoisyCountNaiveBayes.statistics(bounded(neighbours(true), k), 2, 3, 1, false);
    double[] expected = nb.clone();
    expected[1] += 2; // count of class 1
    expected[2 + 3] += 2; // class 1's first feature sum (sums start at K + 1·d)
    assertThat(nbPrime)
        .containsExactly(expected, within(1e-9)); // clipping to B scales by 1 - 1e-12
    double l1 = 0;
    for (int i = 0; i < nb.length; i++) {
      l1 += Math.abs(nbPrime[i] - nb[i]);
    }
    assertThat(l1).isLessThanOrEqualTo(k * (1 + 1.0)).isCloseTo(k * (1 + 1.0), within(1e-9));

    double[] lr =
        SufficientStatisticsLinearRegression.statistics(
            bounded(neighbours(false), k), 3, false, 1, 0, 1);
    double[] lrPrime =
        SufficientStatisticsLinearRegression.statistics(
            bounded(neighbours(true), k), 3, false, 1, 0, 1);
    double[] one =
        SufficientStatisticsLinearRegression.statistics(
            bounded(neighbours(true).where("person = 'u'"), 1), 3, false, 1, 0, 1);
    for (int i = 0; i < lr.length; i++) {
      assertThat(lrPrime[i] - lr[i]).isCloseTo(k * one[i], within(1e-12));
    }

    double[][] centers = {{0, 0, 0}, {1, 1, 1}};
    double[] km =
        NoisyLloydKMeans.statistics(
            bounded(neighbours(false), k), centers, 3, 0, 1, Double.POSITIVE_INFINITY);
    double[] kmPrime =
        NoisyLloydKMeans.statistics(
            bounded(neighbours(true), k), centers, 3, 0, 1, Double.POSITIVE_INFINITY);
    double[] kmOne =
        NoisyLloydKMeans.statistics(
            bounded(neighbours(true).where("person = 'u'"), 1),
            centers,
            3,
            0,
            1,
            Double.POSITIVE_INFINITY);
    for (int i = 0; i < km.length; i++) {
      assertThat(kmPrime[i] - km[i]).isCloseTo(k * kmOne[i], within(1e-12));
    }
  }
}
