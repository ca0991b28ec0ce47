package org.privspark.spark.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.privspark.core.accounting.OrderGrid;
import org.privspark.core.accounting.PrivacyBudget;
import org.privspark.core.accounting.ReleaseIdReusedException;
import org.privspark.core.ledger.Format3Ledgers;
import org.privspark.core.ledger.Ledger;
import org.privspark.core.ledger.LocalDirectoryStore;
import org.privspark.core.ledger.OpeningStore;
import org.privspark.core.ledger.note.NoteSigner;
import org.privspark.core.noise.Secret;
import org.privspark.spark.SparkTestSession;

/**
 * Issue 12, item 3: two releases keyed by one secret, on D and on D minus one person, used to carry
 * the same noise, so their difference was exactly the true difference (1.0 at noise scale 10). A
 * secret now keys one release: the second query is refused before anything is charged, by an
 * in-memory budget and by a ledger-backed one (also when the ledger is reopened, as another job
 * would).
 */
class ReleaseSecretReuseSparkTest {
  private static final StructType SCHEMA =
      new StructType()
          .add("person", DataTypes.LongType)
          .add("grp", DataTypes.StringType)
          .add("v", DataTypes.DoubleType);

  @TempDir Path dir;

  private static Dataset<Row> people(int n) {
    List<Row> rows = new ArrayList<>();
    for (long p = 0; p < n; p++) {
      rows.add(RowFactory.create(p, p % 2 == 0 ? "a" : "b", 5.0));
    }
    SparkSession spark = SparkTestSession.get();
    return spark.createDataFrame(rows, SCHEMA);
  }

  private static Dataset<Row> countAndSum(Dataset<Row> data, PrivacyBudget budget, Secret secret) {
    return PrivateDataFrame.of(data, "person", budget)
        .aggregate()
        .count()
        .sum("v", 0, 10)
        .epsilon(0.1)
        .releaseSecret(secret)
        .run();
  }

  @Test
  void sameSecretOnNeighbouringData_secondReleaseRefused_andNothingCharged() {
    PrivacyBudget budget = PrivacyBudget.inMemory(10, 0);
    Secret secret = Secret.generate();
    Dataset<Row> d = people(100);
    Dataset<Row> withoutOne = d.where("person <> 0");
    countAndSum(d, budget, secret).collectAsList();
    double spent = budget.spent().epsilon();

    assertThatThrownBy(() -> countAndSum(withoutOne, budget, secret))
        .isInstanceOf(ReleaseIdReusedException.class)
        .hasMessageContaining("keys exactly one release");
    assertThat(budget.spent().epsilon()).isEqualTo(spent);

    // A fresh secret is a fresh release: its noise is independent of the first.
    Row first = countAndSum(d, PrivacyBudget.inMemory(10, 0), secret).first();
    Row other = countAndSum(withoutOne, budget, Secret.generate()).first();
    double firstNoise = first.getDouble(first.fieldIndex("count")) - 100;
    double otherNoise = other.getDouble(other.fieldIndex("count")) - 99;
    assertThat(otherNoise).as("noise of another secret").isNotEqualTo(firstNoise);
  }

  @Test
  void sameSecretOnOneLedger_refusedAcrossReopenedLedgers() {
    NoteSigner signer = NoteSigner.generate("test.privspark.org/reuse");
    LocalDirectoryStore store = new LocalDirectoryStore(dir.resolve("ledger"));
    OpeningStore openings = OpeningStore.in(new LocalDirectoryStore(dir.resolve("openings")));
    Ledger ledger =
        Format3Ledgers.create(
            store, signer.name(), 10, 1e-6, OrderGrid.defaults(), signer, openings);
    Secret secret = Secret.generate();
    countAndSum(people(50), ledger.budget(), secret).collectAsList();

    // Another job opens the same ledger, with its own openings: the ledger's entries refuse the id.
    Ledger reopened =
        Ledger.open(store, signer, OpeningStore.in(new LocalDirectoryStore(dir.resolve("other"))));
    assertThatThrownBy(() -> countAndSum(people(49), reopened.budget(), secret))
        .isInstanceOf(ReleaseIdReusedException.class);
    assertThat(reopened.entries()).isEqualTo(1);
  }
}
