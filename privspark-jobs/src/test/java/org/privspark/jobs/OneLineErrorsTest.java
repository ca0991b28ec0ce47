package org.privspark.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.privspark.jobs.JobFixture.ADULT;
import static org.privspark.jobs.JobFixture.ADULT_ROWS;
import static org.privspark.jobs.JobFixture.ADULT_SCHEMA;
import static org.privspark.jobs.JobFixture.job;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.privspark.jobs.JobFixture.Run;

/**
 * An argument or specification error prints one line and a hint, never picocli's usage; a misspelt
 * column or option gets the nearest name; the CSV header's leading spaces are trimmed; the jobs'
 * list is printed by {@link Main}. None of these runs charges or creates anything.
 */
class OneLineErrorsTest {
  @TempDir Path tmp;

  /** Adult as shipped: no --schema, the header "age, workclass, ..., hours-per-week, ...". */
  private List<String> aggregateArgs(String... extra) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--input",
                ADULT,
                "--row-is-unit",
                "--group-by",
                "education",
                "--stat",
                "count",
                "--delta",
                "1e-6",
                "--ledger",
                tmp.resolve("ledger").toString(),
                "--unit",
                "person",
                "--key",
                tmp.resolve("k.key").toString(),
                "--budget-epsilon",
                "3",
                "--budget-delta",
                "1e-5",
                "--output",
                tmp.resolve("out").toString()));
    args.addAll(List.of(extra));
    if (!args.contains("--epsilon")) {
      args.addAll(List.of("--epsilon", "1"));
    }
    return args;
  }

  private void oneLineAndNothingCreated(Run r, String job) {
    assertThat(r.exit()).as(r.all()).isEqualTo(2);
    assertThat(r.err().strip().lines().count()).as(r.err()).isEqualTo(1);
    assertThat(r.err().strip()).startsWith(job + ": ").endsWith("Try '" + job + " --help'.");
    assertThat(tmp.resolve("ledger")).doesNotExist();
    assertThat(tmp.resolve("out")).doesNotExist();
  }

  @Test
  void aggregate_negativeEpsilon_oneLineAndAHint() {
    Run r = job(AggregateJob::run, aggregateArgs("--epsilon", "-1"));
    oneLineAndNothingCreated(r, "aggregate");
    assertThat(r.err()).contains("epsilon").contains("-1").doesNotContain("Usage:");
  }

  @Test
  void aggregate_misspeltColumn_suggestsTheNearestHeaderName() {
    Run r = job(AggregateJob::run, aggregateArgs("--stat", "mean:hours-per-wek:0:99"));
    oneLineAndNothingCreated(r, "aggregate");
    assertThat(r.err())
        .contains("no column `hours-per-wek` in the input; did you mean `hours-per-week`?");
  }

  @Test
  void aggregate_misspeltOption_getsPicocliSuggestionOnOneLine() {
    Run r = job(AggregateJob::run, aggregateArgs("--explian"));
    oneLineAndNothingCreated(r, "aggregate");
    assertThat(r.err())
        .contains("Unknown option: '--explian'")
        .contains("did you mean '--explain'");
  }

  @Test
  void aggregate_headerWithLeadingSpaces_namesAreTrimmed() {
    // "age, workclass, ...": without the trim, hours-per-week would be " hours-per-week".
    Run r =
        job(AggregateJob::run, aggregateArgs("--stat", "mean:hours-per-week:0:99", "--explain"));
    assertThat(r.exit()).as(r.all()).isZero();
    assertThat(r.out())
        .contains("struct<age:string,workclass:string")
        .contains(",hours-per-week:double,");
  }

  @Test
  void report_misspeltColumnInTheQueryFile_suggestsTheNearest() throws Exception {
    Path q = tmp.resolve("q.json");
    Files.writeString(
        q,
        """
        {"report": "r", "queries": [{"name": "hours", "epsilon": 1,
          "statistics": [{"kind": "mean", "column": "hours_per_wek", "lower": 0, "upper": 99}]}]}
        """);
    Run r =
        job(
            ReportJob::run,
            List.of(
                "--queries",
                q.toString(),
                "--input",
                ADULT,
                "--schema",
                ADULT_SCHEMA,
                "--row-is-unit",
                "--ledger",
                tmp.resolve("ledger").toString(),
                "--unit",
                "person",
                "--key",
                tmp.resolve("k.key").toString(),
                "--budget-epsilon",
                "3",
                "--output",
                tmp.resolve("out").toString()));
    oneLineAndNothingCreated(r, "report");
    assertThat(r.err())
        .contains(
            "query 'hours': statistic mean: no column `hours_per_wek` in the input;"
                + " did you mean `hours_per_week`?");
  }

  @Test
  void train_misspeltColumnInTheFeatureFile_suggestsTheNearest() throws Exception {
    Path spec = tmp.resolve("features.json");
    Files.writeString(
        spec,
        Files.readString(Path.of(TrainJobTest.FEATURES))
            .replace("\"column\": \"capital_gain\"", "\"column\": \"capital_gian\""));
    Run r =
        job(
            TrainJob::run,
            List.of(
                "--input",
                ADULT,
                "--schema",
                ADULT_SCHEMA,
                "--features",
                spec.toString(),
                "--target-epsilon",
                "1",
                "--target-delta",
                "1e-5",
                "--expected-batch-size",
                "1024",
                "--num-units",
                String.valueOf(ADULT_ROWS),
                "--ledger",
                tmp.resolve("ledger").toString(),
                "--unit",
                "person",
                "--key",
                tmp.resolve("k.key").toString(),
                "--budget-epsilon",
                "3",
                "--budget-delta",
                "1e-5",
                "--model-out",
                tmp.resolve("out").toString()));
    oneLineAndNothingCreated(r, "train");
    assertThat(r.err())
        .contains("no column `capital_gian` in the input; did you mean `capital_gain`?");
  }

  @Test
  void columns_farFromEveryName_listsTheInputsColumns() {
    org.apache.spark.sql.types.StructType schema =
        org.apache.spark.sql.types.StructType.fromDDL("age INT, sex STRING");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> Columns.require(schema, "nationality", "--group-by"))
        .hasMessage(
            "--group-by: no column `nationality` in the input; the input's columns are [age, sex]");
  }

  @Test
  void main_usage_listsEveryJobWithWhatItDoes() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    Main.usage(Main.JOBS, new PrintStream(bytes, true, StandardCharsets.UTF_8));
    String usage = bytes.toString(StandardCharsets.UTF_8);
    for (String jobName : List.of("aggregate", "report", "train")) {
      assertThat(usage).containsPattern("(?m)^  " + jobName + " +\\S");
    }
  }

  @Test
  void main_missingSparkClass_isRecognisedAsRunWithoutSpark() {
    assertThat(Main.withoutSpark(new NoClassDefFoundError("org/apache/spark/sql/SparkSession")))
        .isTrue();
    assertThat(Main.withoutSpark(new NoClassDefFoundError("scala/Function1"))).isTrue();
    assertThat(Main.withoutSpark(new NoClassDefFoundError("com/example/Missing"))).isFalse();
  }
}
