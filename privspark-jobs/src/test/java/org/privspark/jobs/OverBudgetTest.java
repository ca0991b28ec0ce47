package org.privspark.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.privspark.jobs.JobFixture.ADULT;
import static org.privspark.jobs.JobFixture.ADULT_ROWS;
import static org.privspark.jobs.JobFixture.ADULT_SCHEMA;
import static org.privspark.jobs.JobFixture.auditVerifies;
import static org.privspark.jobs.JobFixture.entries;
import static org.privspark.jobs.JobFixture.job;
import static org.privspark.jobs.JobFixture.sparkJobsDuring;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.privspark.jobs.JobFixture.Run;

/**
 * Over budget is refused before the input is read, by every job: with a ledger whose remaining
 * budget (ε = 0.5) is too small, the job exits 3 naming the remaining budget, spends nothing, and
 * starts no Spark job (with --schema, reading the input's schema starts none either; a Spark job is
 * how a row would be read). The aggregate case has its control: the same query on a ledger that can
 * afford it starts Spark jobs.
 */
class OverBudgetTest {
  @TempDir Path tmp;
  private Path ledger;
  private Path key;
  private Path pub;

  @BeforeEach
  void smallLedger() {
    ledger = tmp.resolve("ledger");
    key = tmp.resolve("keys/small.key");
    pub = tmp.resolve("keys/small.key.pub");
    Run init =
        JobFixture.cli(
            "ledger",
            "init",
            ledger.toString(),
            "--unit",
            "person",
            "--budget-epsilon",
            "0.5",
            "--budget-delta",
            "1e-5",
            "--key-out",
            key.toString());
    assertThat(init.exit()).as(init.all()).isZero();
  }

  private List<String> input() {
    return new ArrayList<>(
        List.of(
            "--input",
            ADULT,
            "--schema",
            ADULT_SCHEMA,
            "--csv-option",
            "ignoreLeadingWhiteSpace=true",
            "--ledger",
            ledger.toString(),
            "--unit",
            "person",
            "--key",
            key.toString()));
  }

  /** Runs {@code args}, which must be refused as over budget without a Spark job or a charge. */
  private void refusedUnread(JobFixture.Job job, List<String> args, Path output) throws Exception {
    Run[] r = new Run[1];
    int jobs = sparkJobsDuring(() -> r[0] = job(job, args));
    assertThat(r[0].exit()).as(r[0].all()).isEqualTo(3);
    assertThat(r[0].err()).contains("remaining epsilon=0.5").contains("nothing was charged");
    assertThat(jobs).as("Spark jobs started (rows read) by a refused run").isZero();
    assertThat(entries(ledger)).isEmpty();
    assertThat(auditVerifies(ledger, pub).get("spentEpsilon").asDouble()).isZero();
    assertThat(Files.exists(output)).isFalse();
  }

  @Test
  void aggregate_overBudget_refusedBeforeReadingTheInput() throws Exception {
    List<String> args = input();
    args.addAll(
        List.of(
            "--row-is-unit",
            "--stat",
            "count",
            "--stat",
            "mean:age:17:90",
            "--epsilon",
            "1",
            "--output",
            tmp.resolve("out").toString()));
    refusedUnread(AggregateJob::run, args, tmp.resolve("out"));

    // Control: the same query at an affordable ε reads the rows (Spark jobs start) and is charged.
    List<String> affordable = new ArrayList<>(args);
    affordable.set(affordable.indexOf("1"), "0.25");
    Run[] ok = new Run[1];
    int jobs = sparkJobsDuring(() -> ok[0] = job(AggregateJob::run, affordable));
    assertThat(ok[0].exit()).as(ok[0].all()).isZero();
    assertThat(jobs).isPositive();
    assertThat(entries(ledger)).hasSize(1);
  }

  @Test
  void report_overBudget_refusedBeforeReadingTheInput() throws Exception {
    Path queries = tmp.resolve("q.json");
    Files.writeString(
        queries,
        """
        {"report": "too-big", "queries": [
          {"name": "ages", "statistics": [{"kind": "mean", "column": "age", "lower": 17, "upper": 90}], "epsilon": 0.4},
          {"name": "people", "statistics": [{"kind": "count"}], "epsilon": 0.4}]}
        """);
    List<String> args = input();
    args.addAll(
        List.of(
            "--queries",
            queries.toString(),
            "--row-is-unit",
            "--output",
            tmp.resolve("out").toString()));
    refusedUnread(ReportJob::run, args, tmp.resolve("out"));
  }

  @Test
  void train_overBudget_refusedBeforeReadingTheInput() throws Exception {
    List<String> args = input();
    args.addAll(
        List.of(
            "--features",
            TrainJobTest.FEATURES,
            "--model",
            "logistic",
            "--target-epsilon",
            "1",
            "--target-delta",
            "1e-5",
            "--expected-batch-size",
            "1024",
            "--num-units",
            String.valueOf(ADULT_ROWS),
            "--epochs",
            "1",
            "--model-out",
            tmp.resolve("model").toString()));
    refusedUnread(TrainJob::run, args, tmp.resolve("model"));
  }
}
