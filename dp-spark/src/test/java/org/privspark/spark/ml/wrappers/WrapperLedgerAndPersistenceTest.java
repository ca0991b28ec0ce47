package org.privspark.spark.ml.wrappers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
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

/**
 * The wrappers on a ledger-backed budget (one entry per fit, written before the data is read, none
 * for a refused fit; the auditor verifies the ledger), and the returned models through MLlib's own
 * save/load.
 */
class WrapperLedgerAndPersistenceTest {
  private static final String ORIGIN = "test.privspark.org/ml-wrappers";
  private static final double DELTA = 1e-6;
  @TempDir Path dir;

  @Test
  void fits_onLedgerBudget_recordOneEntryEach_refusedFitWritesNone_andAuditVerifies()
      throws Exception {
    NoteSigner signer = NoteSigner.generate(ORIGIN);
    LocalDirectoryStore store = new LocalDirectoryStore(dir.resolve("ledger"));
    Ledger ledger =
        Format3Ledgers.create(
            store, ORIGIN, 3.0, 1e-5, OrderGrid.defaults(), signer, OpeningStore.discarding());
    PrivacyBudget budget = ledger.budget();
    Dataset<Row> toy = WrapperTesting.toy(200);

    NoisyCountNaiveBayes nb =
        new NoisyCountNaiveBayes()
            .setRowIsUnit(true)
            .setEpsilon(1)
            .setNumClasses(2)
            .setNumFeatures(3)
            .setMaxFeatureL1(3)
            .setBudget(budget);
    nb.fit(toy);
    SufficientStatisticsLinearRegression lr =
        new SufficientStatisticsLinearRegression()
            .setRowIsUnit(true)
            .setEpsilon(1)
            .setDelta(DELTA)
            .setNumFeatures(3)
            .setMaxFeatureNorm(2)
            .setLabelBounds(-5, 15)
            .setLabelCol("y")
            .setBudget(budget);
    lr.fit(toy);

    LedgerEntry first =
        LedgerEntry.decode(Files.readAllBytes(store.root().resolve(LedgerEntry.path(1))), 1);
    LedgerEntry second =
        LedgerEntry.decode(Files.readAllBytes(store.root().resolve(LedgerEntry.path(2))), 2);
    assertThat(first.mechanism()).isEqualTo("ml-naive-bayes");
    assertThat(first.cost()).isEqualTo(FixedPointCost.of(nb.cost(), OrderGrid.defaults()));
    assertThat(second.mechanism()).isEqualTo("ml-linear-regression-ssp");
    assertThat(second.cost()).isEqualTo(FixedPointCost.of(lr.cost(), OrderGrid.defaults()));

    // ε = 2 more does not fit in what is left of 3: refused, no third entry.
    OutputPerturbationLogisticRegression big =
        new OutputPerturbationLogisticRegression()
            .setRowIsUnit(true)
            .setEpsilon(2)
            .setDelta(DELTA)
            .setNumFeatures(3)
            .setMaxFeatureNorm(2)
            .setRegParam(1)
            .setBudget(budget);
    assertThatThrownBy(() -> big.fit(toy)).isInstanceOf(BudgetExhaustedException.class);
    assertThat(store.root().resolve(LedgerEntry.path(3))).doesNotExist();

    AuditReport report = new LedgerVerifier(signer.verifier()).verify(store, List.of());
    assertThat(report.intact()).as(report.message()).isTrue();
    assertThat(report.spentEpsilon()).isLessThanOrEqualTo(3.0);
  }

  @Test
  void models_saveAndLoadWithMllib_andPredictTheSame() throws Exception {
    Dataset<Row> toy = WrapperTesting.toy(200);
    PrivacyBudget budget = PrivacyBudget.inMemory(100, 1e-5);
    String base = dir.resolve("models").toString();

    NoisyCountNaiveBayesModel nb =
        new NoisyCountNaiveBayes()
            .setRowIsUnit(true)
            .setEpsilon(5)
            .setNumClasses(2)
            .setNumFeatures(3)
            .setMaxFeatureL1(3)
            .setBudget(budget)
            .fit(toy);
    nb.write().overwrite().save(base + "/nb");
    assertSamePredictions(
        nb.transform(toy), NoisyCountNaiveBayesModel.load(base + "/nb").transform(toy));

    SufficientStatisticsLinearRegressionModel lr =
        new SufficientStatisticsLinearRegression()
            .setRowIsUnit(true)
            .setEpsilon(5)
            .setDelta(DELTA)
            .setNumFeatures(3)
            .setMaxFeatureNorm(2)
            .setLabelBounds(-5, 15)
            .setLabelCol("y")
            .setBudget(budget)
            .fit(toy);
    lr.write().overwrite().save(base + "/lr");
    assertSamePredictions(
        lr.transform(toy),
        SufficientStatisticsLinearRegressionModel.load(base + "/lr").transform(toy));

    OutputPerturbationLogisticRegressionModel logit =
        new OutputPerturbationLogisticRegression()
            .setRowIsUnit(true)
            .setEpsilon(5)
            .setDelta(DELTA)
            .setNumFeatures(3)
            .setMaxFeatureNorm(2)
            .setRegParam(1)
            .setBudget(budget)
            .fit(toy);
    logit.write().overwrite().save(base + "/logit");
    assertSamePredictions(
        logit.transform(toy),
        OutputPerturbationLogisticRegressionModel.load(base + "/logit").transform(toy));

    NoisyLloydKMeansModel km =
        new NoisyLloydKMeans()
            .setRowIsUnit(true)
            .setEpsilon(5)
            .setDelta(DELTA)
            .setK(2)
            .setNumFeatures(3)
            .setFeatureBounds(0, 1)
            .setBudget(budget)
            .fit(toy);
    km.write().overwrite().save(base + "/km");
    assertSamePredictions(
        km.transform(toy), NoisyLloydKMeansModel.load(base + "/km").transform(toy));
  }

  private static void assertSamePredictions(Dataset<Row> a, Dataset<Row> b) {
    List<Row> x = a.select("prediction").collectAsList();
    List<Row> y = b.select("prediction").collectAsList();
    assertThat(y).isEqualTo(x);
  }
}
