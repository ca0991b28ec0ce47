package org.privspark.spark.ml.wrappers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.classification.NaiveBayesModel;
import org.apache.spark.ml.clustering.KMeansModel;
import org.apache.spark.ml.regression.LinearRegressionModel;
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
import org.privspark.core.ledger.Ledger;
import org.privspark.core.ledger.LedgerEntry;
import org.privspark.core.ledger.LocalDirectoryStore;
import org.privspark.core.ledger.OpeningStore;
import org.privspark.core.ledger.note.NoteSigner;

/**
 * The wrappers on a ledger-backed budget (one entry per fit, written before the data is read,
 * none for a refused fit; the auditor verifies the ledger), and the returned models through
 * MLlib's own save/load.
 */
class WrapperLedgerAndPersistenceTest {
  private static final String ORIGIN = "test.privspark.org/ml-wrappers";
  private static final double DELTA = 1e-6;
  @TempDir Path dir;

  @Test
  void fits_onLedgerBudget_recordOneEntryEach_refusedFitWritesNone_andAuditVerifies() throws Exception {
    NoteSigner signer = NoteSigner.generate(ORIGIN);
    LocalDirectoryStore store = new LocalDirectoryStore(dir.resolve("ledger"));
    Ledger ledger = Ledger.create(store, ORIGIN, 3.0, 1e-5, OrderGrid.defaults(), signer, OpeningStore.discarding());
    PrivacyBudget budget = ledger.budget();
    Dataset<Row> toy = WrapperTesting.toy(200);

    PrivateNaiveBayes nb = PrivateNaiveBayes.builder().epsilon(1).numClasses(2).numFeatures(3).maxFeatureL1(3)
        .budget(budget).build();
    nb.fit(toy);
    PrivateLinearRegression lr = PrivateLinearRegression.builder().epsilon(1).delta(DELTA).numFeatures(3)
        .maxFeatureNorm(2).labelBounds(-5, 15).labelCol("y").budget(budget).build();
    lr.fit(toy);

    LedgerEntry first = LedgerEntry.decode(Files.readAllBytes(store.root().resolve(LedgerEntry.path(1))), 1);
    LedgerEntry second = LedgerEntry.decode(Files.readAllBytes(store.root().resolve(LedgerEntry.path(2))), 2);
    assertThat(first.mechanism()).isEqualTo("ml-naive-bayes");
    assertThat(first.cost()).isEqualTo(FixedPointCost.of(nb.cost(), OrderGrid.defaults()));
    assertThat(second.mechanism()).isEqualTo("ml-linear-regression-ssp");
    assertThat(second.cost()).isEqualTo(FixedPointCost.of(lr.cost(), OrderGrid.defaults()));

    // ε = 2 more does not fit in what is left of 3: refused, no third entry.
    PrivateLogisticRegression big = PrivateLogisticRegression.builder().epsilon(2).delta(DELTA).numFeatures(3)
        .maxFeatureNorm(2).regParam(1).budget(budget).build();
    assertThatThrownBy(() -> big.fit(toy)).isInstanceOf(BudgetExhaustedException.class);
    assertThat(store.root().resolve(LedgerEntry.path(3))).doesNotExist();

    AuditReport report = new LedgerVerifier(signer.verifier()).verify(store, List.of());
    assertThat(report.intact()).as(report.message()).isTrue();
    assertThat(report.spentEpsilon()).isLessThanOrEqualTo(3.0);
  }

  @Test
  void models_saveAndLoadWithMllib_andPredictTheSame() throws Exception {
    Dataset<Row> toy = WrapperTesting.toy(200);
    PrivacyBudget budget = new PrivacyBudget(100, 1e-5);
    String base = dir.resolve("models").toString();

    NaiveBayesModel nb = PrivateNaiveBayes.builder().epsilon(5).numClasses(2).numFeatures(3).maxFeatureL1(3)
        .budget(budget).build().fit(toy).model();
    nb.write().overwrite().save(base + "/nb");
    assertSamePredictions(nb.transform(toy), NaiveBayesModel.load(base + "/nb").transform(toy));

    LinearRegressionModel lr = PrivateLinearRegression.builder().epsilon(5).delta(DELTA).numFeatures(3)
        .maxFeatureNorm(2).labelBounds(-5, 15).labelCol("y").budget(budget).build().fit(toy).model();
    lr.write().overwrite().save(base + "/lr");
    assertSamePredictions(lr.transform(toy), LinearRegressionModel.load(base + "/lr").transform(toy));

    LogisticRegressionModel logit = PrivateLogisticRegression.builder().epsilon(5).delta(DELTA).numFeatures(3)
        .maxFeatureNorm(2).regParam(1).budget(budget).build().fit(toy).model();
    logit.write().overwrite().save(base + "/logit");
    assertSamePredictions(logit.transform(toy), LogisticRegressionModel.load(base + "/logit").transform(toy));

    KMeansModel km = PrivateKMeans.builder().epsilon(5).delta(DELTA).k(2).numFeatures(3).featureBounds(0, 1)
        .budget(budget).build().fit(toy).model();
    km.write().overwrite().save(base + "/km");
    assertSamePredictions(km.transform(toy), KMeansModel.load(base + "/km").transform(toy));
  }

  private static void assertSamePredictions(Dataset<Row> a, Dataset<Row> b) {
    List<Row> x = a.select("prediction").collectAsList();
    List<Row> y = b.select("prediction").collectAsList();
    assertThat(y).isEqualTo(x);
  }
}
