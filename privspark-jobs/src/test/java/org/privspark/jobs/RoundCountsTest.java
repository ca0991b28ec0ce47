package org.privspark.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.privspark.jobs.JobFixture.ADULT;
import static org.privspark.jobs.JobFixture.ADULT_SCHEMA;
import static org.privspark.jobs.JobFixture.job;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.privspark.jobs.JobFixture.Run;

/**
 * Counts released as integers ({@code --round-counts}, or {@code "round": true} in a query file):
 * with the same release secret, the rounded release is the unrounded one post-processed (value
 * rounded, interval ends floored and ceiled), the other statistics are untouched, and rounding a
 * valued statistic is refused before anything is charged.
 */
class RoundCountsTest {
  @TempDir Path tmp;

  private List<String> aggregate(String name, Path secret, String... extra) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--input",
                ADULT,
                "--schema",
                ADULT_SCHEMA,
                "--row-is-unit",
                "--group-by",
                "sex",
                "--public-groups",
                sexes().toString(),
                "--stat",
                "count",
                "--stat",
                "mean:age:17:90",
                "--epsilon",
                "1",
                "--ledger",
                tmp.resolve(name + "-ledger").toString(),
                "--unit",
                "person",
                "--key",
                tmp.resolve(name + ".key").toString(),
                "--budget-epsilon",
                "3",
                "--release-secret",
                secret.toString(),
                "--output",
                tmp.resolve(name).toString()));
    args.addAll(List.of(extra));
    return args;
  }

  private Path sexes() {
    Path f = tmp.resolve("sex.csv");
    try {
      Files.writeString(f, "sex\n Female\n Male\n");
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return f;
  }

  private static List<Row> rows(Path dir) {
    return JobFixture.spark()
        .read()
        .option("header", "true")
        .option("inferSchema", "true")
        .csv(dir.toString())
        .orderBy("sex")
        .collectAsList();
  }

  @Test
  void aggregate_roundCounts_roundsTheNoisyCountAndWidensItsIntervalOutward() throws Exception {
    Path secret = JobFixture.secretFile(tmp, 7);
    Run plain = job(AggregateJob::run, aggregate("plain", secret));
    assertThat(plain.exit()).as(plain.all()).isZero();
    Run rounded = job(AggregateJob::run, aggregate("rounded", secret, "--round-counts"));
    assertThat(rounded.exit()).as(rounded.all()).isZero();

    List<Row> p = rows(tmp.resolve("plain/aggregate"));
    List<Row> r = rows(tmp.resolve("rounded/aggregate"));
    assertThat(r).hasSize(2);
    for (int i = 0; i < r.size(); i++) {
      double count = ((Number) p.get(i).getAs("count")).doubleValue();
      double low = ((Number) p.get(i).getAs("count_ci_low")).doubleValue();
      double high = ((Number) p.get(i).getAs("count_ci_high")).doubleValue();
      assertThat(count)
          .as("the unrounded release is not already an integer")
          .isNotEqualTo(Math.rint(count));
      assertThat(((Number) r.get(i).getAs("count")).longValue())
          .isEqualTo((long) Math.floor(count + 0.5));
      assertThat(((Number) r.get(i).getAs("count_ci_low")).longValue())
          .isEqualTo((long) Math.floor(low));
      assertThat(((Number) r.get(i).getAs("count_ci_high")).longValue())
          .isEqualTo((long) Math.ceil(high));
      assertThat(r.get(i).<Object>getAs("count")).isInstanceOf(Integer.class);
      assertThat(((Number) r.get(i).getAs("count_noise_std")).doubleValue())
          .isEqualTo(((Number) p.get(i).getAs("count_noise_std")).doubleValue());
      assertThat(((Number) r.get(i).getAs("mean_age")).doubleValue())
          .isEqualTo(((Number) p.get(i).getAs("mean_age")).doubleValue());
    }
  }

  @Test
  void report_roundInTheQueryFile_roundsThatCountOnly() throws Exception {
    Path q = tmp.resolve("q.json");
    Files.writeString(
        q,
        """
        {"report": "r", "queries": [{"name": "people", "epsilon": 1, "statistics": [
          {"kind": "count", "round": true}, {"kind": "count-distinct-units"}]}]}
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
    assertThat(r.exit()).as(r.all()).isZero();
    Row row =
        JobFixture.spark()
            .read()
            .option("header", "true")
            .option("inferSchema", "true")
            .csv(tmp.resolve("out/people").toString())
            .first();
    assertThat(row.<Object>getAs("count")).isInstanceOf(Integer.class);
    assertThat(row.<Object>getAs("count_ci_low")).isInstanceOf(Integer.class);
    assertThat(row.<Object>getAs("count_distinct_units")).isInstanceOf(Double.class);
  }

  @Test
  void report_roundOnAMean_refusedBeforeAnythingIsCharged() throws Exception {
    Path q = tmp.resolve("q.json");
    Files.writeString(
        q,
        """
        {"report": "r", "queries": [{"name": "ages", "epsilon": 1, "statistics": [
          {"kind": "mean", "column": "age", "lower": 17, "upper": 90, "round": true}]}]}
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
    assertThat(r.exit()).as(r.all()).isEqualTo(2);
    assertThat(r.err()).contains("cannot be rounded");
    assertThat(tmp.resolve("ledger")).doesNotExist();
  }
}
