package org.privspark.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.privspark.jobs.JobFixture.ADULT;
import static org.privspark.jobs.JobFixture.ADULT_ROWS;
import static org.privspark.jobs.JobFixture.ADULT_SCHEMA;
import static org.privspark.jobs.JobFixture.EDUCATION;
import static org.privspark.jobs.JobFixture.auditVerifies;
import static org.privspark.jobs.JobFixture.entries;
import static org.privspark.jobs.JobFixture.job;
import static org.privspark.jobs.JobFixture.receiptVerifies;
import static org.privspark.jobs.JobFixture.resultText;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.privspark.core.accounting.PrivacyBudget;
import org.privspark.core.aggregation.NoiseKind;
import org.privspark.core.aggregation.QueryAccuracy;
import org.privspark.jobs.JobFixture.Run;
import org.privspark.spark.sql.PrivateAggregation;
import org.privspark.spark.sql.PrivateDataFrame;

/**
 * The {@code aggregate} job end to end on the Adult data (32,561 people, one per row), in-process
 * on one local session: results, receipts, the ledger (checked with {@code privspark audit
 * verify}), reproducible noise, and refusals that charge nothing.
 */
class AggregateJobTest {
  @TempDir Path tmp;
  private Path ledger;
  private Path key;
  private Path pub;

  @BeforeEach
  void paths() {
    ledger = tmp.resolve("ledger");
    key = tmp.resolve("keys/adult.key");
    pub = tmp.resolve("keys/adult.key.pub");
  }

  /**
   * Count and mean age by education (public groups), ε = 1, on a new ledger of budget (3, 1e-5).
   */
  private List<String> countAndMeanAge(Path output, Path secret) throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--input",
                ADULT,
                "--schema",
                ADULT_SCHEMA,
                "--csv-option",
                "ignoreLeadingWhiteSpace=true",
                "--row-is-unit",
                "--group-by",
                "education",
                "--public-groups",
                JobFixture.educationGroups(tmp).toString(),
                "--stat",
                "count",
                "--stat",
                "mean:age:17:90",
                "--stat",
                "quantiles:age:17:90:0.5,0.9",
                "--epsilon",
                "1",
                "--ledger",
                ledger.toString(),
                "--unit",
                "person",
                "--key",
                key.toString(),
                "--budget-epsilon",
                "3",
                "--budget-delta",
                "1e-5",
                "--output",
                output.toString()));
    if (secret != null) {
      args.addAll(List.of("--release-secret", secret.toString()));
    }
    return args;
  }

  private static Run aggregate(List<String> args) {
    return job(AggregateJob::run, args);
  }

  @Test
  void aggregate_adultByEducation_writesResultReceiptAndAnAuditableLedger() throws Exception {
    Path out = tmp.resolve("out");
    Run r = aggregate(countAndMeanAge(out, JobFixture.secretFile(tmp, 1)));
    assertThat(r.exit()).as(r.all()).isZero();
    // The exact row count is private: the job reads the rows but never prints the count (issue 12,
    // item 2).
    assertThat(r.all()).doesNotContain(String.valueOf(ADULT_ROWS));
    assertThat(r.out())
        .contains("created ledger")
        .contains("charged ledger entry 1")
        .contains("budget remaining:  epsilon=2.00000 of 3.0")
        .contains("epsilon spent:     1.00000 by this job");
    assertThat(Files.readString(key)).startsWith("PRIVATE+KEY+privspark.local/");

    List<String> lines =
        Files.readAllLines(
            Files.list(out.resolve("aggregate"))
                .filter(p -> p.getFileName().toString().endsWith(".csv"))
                .findFirst()
                .orElseThrow());
    assertThat(lines.get(0))
        .startsWith("education,count,count_noise_std,count_ci_low,count_ci_high,mean_age,");
    assertThat(lines).hasSize(1 + EDUCATION.size());
    List<String> sorted = new ArrayList<>(EDUCATION);
    sorted.sort(null);
    assertThat(
            lines.subList(1, lines.size()).stream()
                .map(l -> l.substring(0, l.indexOf(',')))
                .toList())
        .as("rows sorted by key")
        .isEqualTo(sorted);

    JsonNode receipt = receiptVerifies(out.resolve("aggregate.receipt.json"), pub);
    assertThat(receipt.get("entry").get("index").asLong()).isEqualTo(1);
    assertThat(receipt.get("release").get("mechanism").asText()).isEqualTo("private-aggregation");
    assertThat(receipt.get("release").get("epsilonAtBudgetDelta").asDouble())
        .isCloseTo(1.0, within(1e-6));
    assertThat(receipt.toString()).doesNotContain(String.valueOf(ADULT_ROWS));
    JsonNode audit = auditVerifies(ledger, pub);
    assertThat(audit.get("entries").asLong()).isEqualTo(1);
    // An auditor keeps the receipt's checkpoint: the ledger must stay consistent with it.
    Path checkpoint = tmp.resolve("receipt-checkpoint.txt");
    Files.writeString(checkpoint, receipt.get("entry").get("checkpoint").asText());
    Run withCheckpoint =
        JobFixture.cli(
            "audit",
            "verify",
            ledger.toString(),
            "--public-key",
            pub.toString(),
            "--checkpoint",
            checkpoint.toString());
    assertThat(withCheckpoint.exit()).as(withCheckpoint.all()).isZero();
    assertThat(withCheckpoint.out())
        .contains("intact: 1 entries, consistent with 1 saved checkpoint(s)");
    assertThat(audit.get("spentEpsilon").asDouble()).isCloseTo(1.0, within(1e-6));

    // A second job on the same ledger: private groups, Gaussian noise; the ledger is opened, not
    // created.
    Path out2 = tmp.resolve("out2");
    Run second =
        aggregate(
            List.of(
                "--input",
                ADULT,
                "--schema",
                ADULT_SCHEMA,
                "--csv-option",
                "ignoreLeadingWhiteSpace=true",
                "--row-is-unit",
                "--name",
                "hours-by-occupation",
                "--group-by",
                "occupation",
                "--stat",
                "count-distinct-units",
                "--stat",
                "sum:hours_per_week:0:80",
                "--epsilon",
                "0.5",
                "--delta",
                "1e-6",
                "--noise",
                "gaussian",
                "--output-format",
                "parquet",
                "--ledger",
                ledger.toString(),
                "--unit",
                "person",
                "--key",
                key.toString(),
                "--output",
                out2.toString()));
    assertThat(second.exit()).as(second.all()).isZero();
    assertThat(second.out()).contains("opened ledger").contains("charged ledger entry 2");
    assertThat(
            JobFixture.spark()
                .read()
                .parquet(out2.resolve("hours-by-occupation").toString())
                .count())
        .isBetween(10L, 15L); // 14 occupations and '?', all with hundreds of people
    receiptVerifies(out2.resolve("hours-by-occupation.receipt.json"), pub);
    assertThat(auditVerifies(ledger, pub).get("entries").asLong()).isEqualTo(2);
  }

  @Test
  void aggregate_sameReleaseSecretOnFreshLedgers_writesIdenticalResults() throws Exception {
    Path secret = JobFixture.secretFile(tmp, 7);
    Run a = aggregate(countAndMeanAge(tmp.resolve("a"), secret));
    assertThat(a.exit()).as(a.all()).isZero();
    ledger = tmp.resolve("ledger-b");
    key = tmp.resolve("keys/b.key");
    Run b = aggregate(countAndMeanAge(tmp.resolve("b"), secret));
    assertThat(b.exit()).as(b.all()).isZero();
    assertThat(resultText(tmp.resolve("b/aggregate")))
        .isEqualTo(resultText(tmp.resolve("a/aggregate")))
        .contains("Bachelors");
    ledger = tmp.resolve("ledger-c");
    key = tmp.resolve("keys/c.key");
    Run c = aggregate(countAndMeanAge(tmp.resolve("c"), JobFixture.secretFile(tmp, 8)));
    assertThat(c.exit()).as(c.all()).isZero();
    assertThat(resultText(tmp.resolve("c/aggregate")))
        .as("another secret, other noise")
        .isNotEqualTo(resultText(tmp.resolve("a/aggregate")));
  }

  /**
   * Issue 12, item 3: the same secret file on the same ledger, for the same query on a changed
   * input, would carry the same noise, and the two results would differ by exactly the change. The
   * second run is refused before anything is charged.
   */
  @Test
  void aggregate_sameReleaseSecretTwiceOnOneLedger_refusedWithExitTwoAndChargesNothing()
      throws Exception {
    Path secret = JobFixture.secretFile(tmp, 9);
    Run first = aggregate(countAndMeanAge(tmp.resolve("first"), secret));
    assertThat(first.exit()).as(first.all()).isZero();
    Run again =
        aggregate(with(countAndMeanAge(tmp.resolve("again"), secret), "--budget-epsilon", null));
    assertThat(again.exit()).as(again.all()).isEqualTo(2);
    assertThat(again.err())
        .contains("--release-secret " + secret)
        .contains("keys exactly one release")
        .contains("nothing was charged");
    assertThat(entries(ledger)).hasSize(1);
    assertThat(Files.exists(tmp.resolve("again/aggregate"))).isFalse();
    assertThat(auditVerifies(ledger, pub).get("entries").asLong()).isEqualTo(1);
  }

  /**
   * Replaces the value of {@code option} in {@code args} (or removes the option with its value if
   * null).
   */
  private static List<String> with(List<String> args, String option, String value) {
    List<String> out = new ArrayList<>(args);
    int i = out.indexOf(option);
    if (i < 0) {
      out.addAll(List.of(option, value));
    } else if (value == null) {
      out.remove(i + 1);
      out.remove(i);
    } else {
      out.set(i + 1, value);
    }
    return out;
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "--group-by|nationality|--group-by: no column `nationality` in the input",
        "--stat|mean:age:90:17|must be finite with lower < upper; got [90.0, 17.0]",
        "--stat|mean:education:0:20|column 'education' must be numeric; got string",
        "--stat|median:age:0:100|statistic must be one of",
        "--epsilon|NaN|epsilon must be finite and > 0",
        "--epsilon|0|epsilon must be finite and > 0",
        "--noise|gaussian|delta must be > 0 for Gaussian noise",
        "--delta|1.5|delta must be in [0.0, 1.0); got 1.5",
        "--l0|0|maxGroupsContributed of query 'aggregate' must be >= 1",
        "--input|/nonexistent/adult.csv|--input /nonexistent/adult.csv cannot be read as csv",
        "--schema|age IN T|--schema must be a Spark DDL schema",
        "--output-format|json|--output-format must be csv or parquet",
        "--name|../escape|query name must be 1 to 64 characters",
        "--release-secret|/nonexistent/secret|--release-secret /nonexistent/secret cannot be read",
        "--budget-epsilon|-1|budgetEpsilon must be finite and > 0",
        "--budget-epsilon||--budget-epsilon is required: there is no ledger",
        "--epsilon|abc|Invalid value for option '--epsilon'",
      })
  void aggregate_badArgument_exitsTwoWithUsageAndCreatesNothing(
      String option, String value, String message) throws Exception {
    Run r = aggregate(with(countAndMeanAge(tmp.resolve("out"), null), option, value));
    assertThat(r.exit()).as(r.all()).isEqualTo(2);
    assertThat(r.err())
        .contains(message)
        .contains("Try 'aggregate --help'.")
        .doesNotContain("Usage:");
    assertThat(Files.exists(ledger)).as("no ledger created").isFalse();
    assertThat(Files.exists(key)).as("no key written").isFalse();
    assertThat(Files.exists(tmp.resolve("out"))).as("no output").isFalse();
  }

  @Test
  void aggregate_badArgumentsOnExistingLedger_exitTwoAndChargeNothing() throws Exception {
    Run first = aggregate(countAndMeanAge(tmp.resolve("out"), null));
    assertThat(first.exit()).as(first.all()).isZero();
    List<String> before = entries(ledger);
    assertThat(before).hasSize(1);
    String genesis = Files.readString(ledger.resolve("ledger.json"));

    List<String> fresh =
        with(countAndMeanAge(tmp.resolve("out-2"), null), "--budget-epsilon", null);
    Path otherKey = tmp.resolve("keys/other.key");
    assertThat(
            JobFixture.cli(
                    "ledger",
                    "init",
                    tmp.resolve("other-ledger").toString(),
                    "--unit",
                    "person",
                    "--budget-epsilon",
                    "1",
                    "--budget-delta",
                    "0",
                    "--key-out",
                    otherKey.toString())
                .exit())
        .isZero();
    List<List<String>> bad =
        List.of(
            with(fresh, "--group-by", "nationality"),
            with(fresh, "--stat", "sum:age:0:NaN"),
            with(fresh, "--public-groups", tmp.resolve("missing.csv").toString()),
            with(fresh, "--budget-epsilon", "5"),
            with(fresh, "--key", otherKey.toString()),
            with(fresh, "--key", tmp.resolve("keys/missing.key").toString()),
            with(fresh, "--output", tmp.resolve("out").toString()),
            with(fresh, "--unit", "household"),
            with(fresh, "--unit", "Person!"));
    List<String> expected =
        List.of(
            "--group-by: no column `nationality` in the input",
            "bounds of",
            "--public-groups",
            "--budget-epsilon must match the existing ledger's budget epsilon 3.0",
            "is not the key of the ledger",
            "does not exist; the ledger at",
            "already holds aggregate",
            "--unit must be the privacy unit of the existing ledger, 'person'",
            "must be 1 to 64 characters");
    for (int i = 0; i < bad.size(); i++) {
      Run r = aggregate(bad.get(i));
      assertThat(r.exit()).as(r.all()).isEqualTo(2);
      assertThat(r.err())
          .contains(expected.get(i))
          .contains("Try 'aggregate --help'.")
          .doesNotContain("Usage:");
    }
    assertThat(entries(ledger)).isEqualTo(before);
    assertThat(Files.readString(ledger.resolve("ledger.json"))).isEqualTo(genesis);
    assertThat(Files.exists(tmp.resolve("out-2"))).isFalse();
    assertThat(auditVerifies(ledger, pub).get("spentEpsilon").asDouble())
        .isCloseTo(1.0, within(1e-6));
  }

  @Test
  void aggregate_publicGroupKeyOfTheWrongType_exitsTwoBeforeCharging() throws Exception {
    Path ages = tmp.resolve("ages.csv");
    Files.writeString(ages, "age\n17\nseventeen\n");
    List<String> args =
        with(
            with(countAndMeanAge(tmp.resolve("out"), null), "--group-by", "age"),
            "--public-groups",
            ages.toString());
    Run r = aggregate(args);
    assertThat(r.exit()).as(r.all()).isEqualTo(2);
    assertThat(r.err()).contains("key 'seventeen' of column age is not a valid int");
    assertThat(Files.exists(ledger)).isFalse();
  }

  @Test
  void aggregate_overBudget_exitsThreeAndChargesNothing() throws Exception {
    Run first = aggregate(with(countAndMeanAge(tmp.resolve("out"), null), "--epsilon", "2.5"));
    assertThat(first.exit()).as(first.all()).isZero();
    Run refused =
        aggregate(
            with(
                with(countAndMeanAge(tmp.resolve("out-2"), null), "--epsilon", "1"),
                "--budget-epsilon",
                null));
    assertThat(refused.exit()).as(refused.all()).isEqualTo(3);
    assertThat(refused.err())
        .contains("privacy budget exhausted")
        .contains("remaining epsilon=0.5")
        .contains("nothing was charged");
    assertThat(entries(ledger)).hasSize(1);
    assertThat(Files.exists(tmp.resolve("out-2/aggregate"))).isFalse();
    assertThat(auditVerifies(ledger, pub).get("spentEpsilon").asDouble())
        .isCloseTo(2.5, within(1e-6));
  }

  /**
   * The accuracy the job must print: the same query planned through the SDK (explain reads no
   * data).
   */
  private static QueryAccuracy sdkExplain(boolean publicGroups, NoiseKind noise, long rows) {
    Dataset<Row> data =
        JobFixture.spark()
            .read()
            .schema(ADULT_SCHEMA)
            .option("header", "true")
            .csv(ADULT)
            .withColumn("row", functions.monotonically_increasing_id());
    PrivateDataFrame frame = PrivateDataFrame.of(data, "row", PrivacyBudget.inMemory(10, 1e-5));
    PrivateAggregation q = frame.groupBy("education");
    if (publicGroups) {
      q.publicGroups(
          JobFixture.spark()
              .createDataFrame(
                  EDUCATION.stream().map(e -> RowFactory.create(e)).toList(),
                  new StructType().add("education", DataTypes.StringType)));
    }
    return q.count()
        .mean("age", 17, 90)
        .quantiles("age", 17, 90, 0.5, 0.9)
        .epsilon(1)
        .delta(publicGroups ? 0 : 1e-6)
        .noise(noise)
        .explain(rows);
  }

  private static String g(double x) {
    return String.format(Locale.ROOT, "%.6g", x);
  }

  @Test
  void explain_newLedger_printsThePredictedAccuracyAndCreatesNothing() throws Exception {
    Path out = tmp.resolve("out");
    List<String> args = with(countAndMeanAge(out, null), "--explain-rows", "500");
    args.add("--explain");
    Run r = aggregate(args);
    assertThat(r.exit()).as(r.all()).isZero();
    QueryAccuracy expected = sdkExplain(true, NoiseKind.LAPLACE, 500);
    assertThat(r.out())
        .contains("explain: no rows read, nothing charged, nothing written")
        .contains("noise:   laplace")
        .contains("cost:    epsilon=1.0 delta=0.0")
        .contains("groups of 500 kept rows")
        .doesNotContain("a group is kept"); // public groups: every group is released
    List<String> names = List.of("count", "mean_age", "quantiles_age");
    for (int i = 0; i < names.size(); i++) {
      QueryAccuracy.StatisticAccuracy a = expected.statistics().get(i);
      String name = names.get(i);
      String line =
          r.out().lines().filter(l -> l.trim().startsWith(name + " ")).findFirst().orElseThrow();
      assertThat(line)
          .as(names.get(i))
          .contains(g(a.noiseStd()))
          .contains(Double.isNaN(a.halfWidth95()) ? "data-dependent" : g(a.halfWidth95()));
    }
    assertThat(expected.statistics().get(0).noiseStd())
        .as("a count's noise does not depend on the data")
        .isPositive();
    assertThat(Files.exists(ledger)).as("no ledger").isFalse();
    assertThat(Files.exists(key)).as("no key").isFalse();
    assertThat(Files.exists(out)).as("no output").isFalse();
  }

  @Test
  void explain_existingLedgerPrivateGroupsAutoNoise_printsKeepThresholdsAndChargesNothing()
      throws Exception {
    Run first = aggregate(countAndMeanAge(tmp.resolve("out"), null));
    assertThat(first.exit()).as(first.all()).isZero();
    List<String> before = entries(ledger);
    List<String> args =
        with(
            with(
                with(
                    with(countAndMeanAge(tmp.resolve("out-2"), null), "--budget-epsilon", null),
                    "--public-groups",
                    null),
                "--delta",
                "1e-6"),
            "--noise",
            "auto");
    args.add("--explain");
    Run r = aggregate(args);
    assertThat(r.exit()).as(r.all()).isZero();
    QueryAccuracy expected = sdkExplain(false, NoiseKind.AUTO, 1000);
    assertThat(r.out())
        .contains(
            "noise:   "
                + expected.noise().name().toLowerCase(Locale.ROOT)
                + " (chosen by --noise auto)")
        .contains("groups of 1000 kept rows")
        .contains(
            String.format(
                Locale.ROOT,
                "a group is kept with probability 50%% from %d units, 95%% from %d units",
                expected.unitsForHalf(),
                expected.unitsFor95()))
        .contains(g(expected.statistics().get(0).noiseStd()))
        .contains(g(expected.statistics().get(1).halfWidth95()))
        .doesNotContain("charged ledger entry");
    assertThat(entries(ledger)).as("the ledger is untouched").isEqualTo(before);
    assertThat(auditVerifies(ledger, pub).get("spentEpsilon").asDouble())
        .isCloseTo(1.0, within(1e-6));
    assertThat(Files.exists(tmp.resolve("out-2"))).isFalse();
  }

  @Test
  void explain_badArguments_exitTwoAndCreateNothing() throws Exception {
    for (List<String> args :
        List.of(
            with(countAndMeanAge(tmp.resolve("out"), null), "--explain-rows", "0"),
            with(countAndMeanAge(tmp.resolve("out"), null), "--epsilon", "0"))) {
      List<String> withFlag = new ArrayList<>(args);
      withFlag.add("--explain");
      Run r = aggregate(withFlag);
      assertThat(r.exit()).as(r.all()).isEqualTo(2);
      assertThat(r.err())
          .containsAnyOf("--explain-rows must be >= 1; got 0", "epsilon must be finite and > 0");
    }
    assertThat(Files.exists(ledger)).isFalse();
  }

  @Test
  void aggregate_help_exitsZeroAndListsEveryOption() {
    Run r = aggregate(List.of("--help"));
    assertThat(r.exit()).isZero();
    for (String option :
        Arrays.asList(
            "--input",
            "--privacy-unit",
            "--row-is-unit",
            "--group-by",
            "--public-groups",
            "--stat",
            "--l0",
            "--linf",
            "--epsilon",
            "--delta",
            "--noise",
            "--explain",
            "--explain-rows",
            "--ledger",
            "--key",
            "--unit",
            "--unit-definition",
            "--budget-epsilon",
            "--budget-delta",
            "--release-secret",
            "--output",
            "--output-format")) {
      assertThat(r.out()).contains(option);
    }
  }
}
