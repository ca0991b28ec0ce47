package org.privspark.spark.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
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

/**
 * A private aggregation charged to a ledger: the entry is durable before any task reads the data.
 */
class LedgerBackedQueryTest {
  private static final String ORIGIN = "test.privspark.org/spark-ledger";
  @TempDir Path dir;

  private static Dataset<Row> data() {
    SparkSession spark = SparkTestSession.get();
    List<Row> rows = new ArrayList<>();
    for (int u = 0; u < 200; u++) {
      rows.add(RowFactory.create("u" + u, u % 2 == 0 ? "a" : "b", (double) (u % 50)));
    }
    return spark.createDataFrame(
        rows,
        new StructType()
            .add("user", DataTypes.StringType)
            .add("grp", DataTypes.StringType)
            .add("amount", DataTypes.DoubleType));
  }

  @Test
  void run_recordsTheQueryBeforeAnyJob_andTheAuditorVerifiesIt() throws Exception {
    NoteSigner signer = NoteSigner.generate(ORIGIN);
    LocalDirectoryStore store = new LocalDirectoryStore(dir.resolve("ledger"));
    Ledger ledger =
        Format3Ledgers.create(
            store, ORIGIN, 2.0, 1e-5, OrderGrid.defaults(), signer, OpeningStore.discarding());
    PrivacyBudget budget = ledger.budget();
    Path entry = store.root().resolve(LedgerEntry.path(1));
    // Every task that reads the input first checks that the entry is on disk (local mode: the
    // executors share this file system); a read before the charge fails the release.
    String entryPath = entry.toString();
    Dataset<Row> input =
        data()
            .mapPartitions(
                (MapPartitionsFunction<Row, Row>)
                    rows -> {
                      if (!Files.exists(Path.of(entryPath))) {
                        throw new IllegalStateException(
                            "a task read the data before the ledger entry was written");
                      }
                      return rows;
                    },
                Encoders.row(data().schema()));
    SparkSession spark = SparkTestSession.get();
    int jobsBefore = spark.sparkContext().statusTracker().getJobIdsForGroup(null).length;

    PrivateAggregation query =
        PrivateDataFrame.of(input, "user", budget)
            .groupBy("grp")
            .publicGroups(
                spark.createDataFrame(
                    List.of(RowFactory.create("a"), RowFactory.create("b")),
                    new StructType().add("grp", DataTypes.StringType)))
            .count()
            .sum("amount", 0, 50)
            .epsilon(1.0);
    var cost = query.cost();
    assertThat(entry).as("no entry before run()").doesNotExist();
    Dataset<Row> result = query.run();

    assertThat(entry).as("entry written by run()").exists();
    assertThat(spark.sparkContext().statusTracker().getJobIdsForGroup(null).length)
        .as("run() computed the release")
        .isGreaterThan(jobsBefore);
    LedgerEntry recorded = LedgerEntry.decode(Files.readAllBytes(entry), 1);
    assertThat(recorded.mechanism()).isEqualTo("private-aggregation");
    assertThat(recorded.cost()).isEqualTo(FixedPointCost.of(cost, OrderGrid.defaults()));
    assertThat(result.collectAsList()).hasSize(2);

    AuditReport report = new LedgerVerifier(signer.verifier()).verify(store, List.of());
    assertThat(report.intact()).as(report.message()).isTrue();
    assertThat(report.spentEpsilon()).isLessThanOrEqualTo(1.0);
  }

  @Test
  void refusedQuery_writesNoEntry_andOtherJobsSeeTheSameBudget() throws Exception {
    NoteSigner signer = NoteSigner.generate(ORIGIN);
    LocalDirectoryStore store = new LocalDirectoryStore(dir.resolve("ledger"));
    Format3Ledgers.create(
        store, ORIGIN, 1.0, 0, OrderGrid.defaults(), signer, OpeningStore.discarding());
    // Two "jobs" opening the same ledger: the second sees the first's spend.
    PrivacyBudget first = Ledger.open(store, signer, OpeningStore.discarding()).budget();
    PrivateDataFrame.of(data(), "user", first).aggregate().count().epsilon(0.75).run();
    PrivacyBudget second = Ledger.open(store, signer, OpeningStore.discarding()).budget();
    assertThat(second.remainingEpsilon()).isLessThan(0.26);
    assertThatThrownBy(
            () ->
                PrivateDataFrame.of(data(), "user", second).aggregate().count().epsilon(0.5).run())
        .isInstanceOf(BudgetExhaustedException.class);
    assertThat(store.root().resolve(LedgerEntry.path(2))).doesNotExist();
  }
}
