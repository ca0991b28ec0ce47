package org.privspark.spark.sql;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.privspark.core.accounting.OrderGrid;
import org.privspark.core.accounting.PrivacyBudget;
import org.privspark.core.audit.AuditReport;
import org.privspark.core.audit.LedgerVerifier;
import org.privspark.core.ledger.Format3Ledgers;
import org.privspark.core.ledger.Ledger;
import org.privspark.core.ledger.LedgerEntry;
import org.privspark.core.ledger.LocalDirectoryStore;
import org.privspark.core.ledger.OpeningStore;
import org.privspark.core.ledger.note.NoteSigner;
import org.privspark.core.noise.Secret;
import org.privspark.spark.SparkTestSession;
import org.privspark.spark.TaskFaults;

/**
 * Spark failures inside one release (docs/RELIABILITY.md, "Spark failures"): a private aggregation
 * with private partition selection, a mean and quantiles, whose every stage loses its first task
 * attempt, must release exactly the rows of a run without failures with the same secret, and the
 * ledger must hold exactly one entry for it.
 *
 * <p>The plan has three stages (two exchanges: rows by unit, partials by group). The faults ({@link
 * TaskFaults}), all in the first attempt only:
 *
 * <ol>
 *   <li>input stage: partition 0 throws; partition 1 succeeds but its shuffle output is deleted;
 *   <li>bounding stage (between the exchanges): its reads of the lost output fail with {@code
 *       FetchFailed}, so Spark reruns the lost map task and resubmits the stage;
 *   <li>result stage (final aggregation and noise): partition 0 throws.
 * </ol>
 *
 * All three happen inside {@code run()}, which computes the release in one Spark job.
 * Deterministic: the faults are tied to attempt numbers, not to timing, and the secret is fixed.
 */
class TaskFailureReleaseTest {
  private static final String ORIGIN = "test.privspark.org/task-failures";
  private static final Secret SECRET =
      Secret.fromBytes(
          new byte[] {
            9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24,
            25, 26, 27, 28, 29, 30, 31, 32
          });
  private static final StructType SCHEMA =
      new StructType()
          .add("user", DataTypes.StringType)
          .add("grp", DataTypes.StringType)
          .add("amount", DataTypes.DoubleType);

  @TempDir Path dir;

  /**
   * 300 users in 3 groups of 100, two rows each, plus a 1-unit group; two input partitions. An RDD
   * source, not a local relation: the optimizer would evaluate the failing UDF on the driver.
   */
  private static Dataset<Row> input() {
    SparkSession spark = SparkTestSession.get();
    List<Row> rows = new ArrayList<>();
    for (int u = 0; u < 300; u++) {
      String g = new String[] {"a", "b", "c"}[u % 3];
      rows.add(RowFactory.create("u" + u, g, (double) (u % 100)));
      rows.add(RowFactory.create("u" + u, g, (double) ((u * 7) % 100)));
    }
    rows.add(RowFactory.create("loner", "tiny", 50.0));
    return spark.createDataFrame(
        JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(rows, 2), SCHEMA);
  }

  private static PrivateAggregation query(Dataset<Row> data, PrivacyBudget budget) {
    return PrivateDataFrame.of(data, "user", budget)
        .maxGroupsContributed(2)
        .maxContributionsPerGroup(2)
        .groupBy("grp")
        .count()
        .mean("amount", 0, 100)
        .quantiles("amount", 0, 100, 0.5, 0.9)
        .epsilon(2)
        .delta(1e-6)
        .releaseSecret(SECRET);
  }

  private static List<String> sorted(List<Row> rows) {
    return rows.stream().map(Row::toString).sorted(Comparator.naturalOrder()).toList();
  }

  private static long entries(LocalDirectoryStore store) throws Exception {
    Path entries = store.root().resolve(LedgerEntry.path(1)).getParent();
    if (!Files.isDirectory(entries)) {
      return 0; // a new ledger: only its genesis in ledger.json
    }
    try (Stream<Path> files = Files.list(entries)) {
      return files.filter(p -> p.getFileName().toString().endsWith(".json")).count();
    }
  }

  @Test
  void release_firstAttemptFailsInEveryStage_releasesTheFailureFreeRowsAndOneLedgerEntry()
      throws Exception {
    SparkSession spark = SparkTestSession.get();
    List<Row> expectedRows = query(input(), PrivacyBudget.inMemory(10, 1e-5)).run().collectAsList();
    List<String> expected = sorted(expectedRows);

    NoteSigner signer = NoteSigner.generate(ORIGIN);
    LocalDirectoryStore store = new LocalDirectoryStore(dir.resolve("ledger"));
    Ledger ledger =
        Format3Ledgers.create(
            store, ORIGIN, 10, 1e-5, OrderGrid.defaults(), signer, OpeningStore.discarding());
    long before = entries(store);
    Dataset<Row> faulty =
        input().withColumn("amount", TaskFaults.failingIdentity(0, 1).apply(col("amount")));
    // run() computes the release in its one Spark job; the result-stage fault goes into that job.
    List<Row> retriedRows;
    TaskFaults.Recorder recorder = TaskFaults.Recorder.attach(spark);
    try (recorder) {
      retriedRows =
          query(faulty, ledger.budget())
              .run(
                  noisy ->
                      noisy.mapPartitions(
                          TaskFaults.failingPartitions(0), Encoders.row(noisy.schema())))
              .collectAsList();
    }

    System.out.println("task ends by stage (failing run): " + recorder.byStage());
    System.out.println("stage attempts (failing run): " + recorder.stageAttempts());
    assertThat(recorder.count("ExceptionFailure")).as("tasks that threw").isGreaterThanOrEqualTo(2);
    assertThat(recorder.count("FetchFailed"))
        .as("reads of the lost map output")
        .isGreaterThanOrEqualTo(1);
    // Three stages lost an attempt: input (threw), bounding (FetchFailed), result (threw). The lost
    // output is recomputed by a resubmitted attempt (stage attempt 1) of the map stage that AQE's
    // next job built over the same shuffle; that attempt has no faults, by design.
    assertThat(recorder.stagesWithFailures()).as("stages that lost a task attempt").hasSize(3);
    assertThat(recorder.stageAttempts()).as("a resubmitted stage").anyMatch(s -> s.contains(".1 "));

    assertThat(sorted(retriedRows)).isEqualTo(expected);
    assertThat(retriedRows)
        .containsExactlyElementsOf(expectedRows); // the same rows, in the same (key) order
    assertThat(expected).hasSize(3); // the 100-unit groups are kept, the 1-unit group is not

    assertThat(entries(store) - before).as("ledger entries added by the release").isEqualTo(1);
    AuditReport report = new LedgerVerifier(signer.verifier()).verify(store, List.of());
    assertThat(report.intact()).as(report.message()).isTrue();
  }
}
